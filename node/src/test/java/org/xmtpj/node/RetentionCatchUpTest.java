package org.xmtpj.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtp.proto.message.api.v1.QueryResponse;
import org.xmtpj.dag.EventCodec;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.store.EventStore;
import org.xmtpj.store.OriginProgress;

/**
 * Retention with real nodes (replication-prior-art.md §5.e row 7): node C is offline while A and B write old
 * and new events and prune; back online, C converges on everything above the horizon, with gaps in its vector
 * only below the floors the peers declared, and nothing it pruned or they pruned comes back.
 *
 * <p>All nodes share a clock that starts two hours in the past (events written then are below the one-hour
 * horizon once it returns to the present) and is moved forward to make pruning passes due. Every publish waits
 * until the live nodes agree, so each topic is a chain and which events are pruned is known exactly.
 */
class RetentionCatchUpTest {
  private static final String SHARED = "/xmtp/0/m-retention-shared/proto";
  private static final String OLD_ONLY = "/xmtp/0/m-retention-old/proto";
  private static final String DORMANT = "/xmtp/0/m-retention-dormant/proto";
  private static final String FRESH = "/xmtp/0/m-retention-fresh/proto";
  private static final List<String> TOPICS = List.of(SHARED, OLD_ONLY, DORMANT, FRESH);

  @TempDir
  Path dir;

  private final OffsetClock clock = new OffsetClock(Duration.ofHours(-2));
  private long ts;

  @Test
  void shouldCatchUpAcrossRetentionBoundaryWithGapsOnlyBelowHorizon() throws Exception {
    try (ReplicatedCluster cluster = new ReplicatedCluster(dir, 3, Duration.ofMillis(300), clock,
        c -> c.withReplication(c.replication().withRetention(Duration.ofHours(1))))) {
      for (int i = 0; i < 6; i++) {
        publish(cluster, i % 3, SHARED, "early-" + i, 0, 1, 2); // C's last view of SHARED ends at early-5
      }
      cluster.stop(2);
      for (int i = 0; i < 6; i++) {
        publish(cluster, i % 2, SHARED, "missed-" + i, 0, 1);
      }
      for (int i = 0; i < 4; i++) {
        publish(cluster, i % 2, OLD_ONLY, "old-" + i, 0, 1);
      }
      publish(cluster, 1, DORMANT, "dormant", 0, 1);
      clock.offset(Duration.ZERO); // two hours later: all of the above is below the one-hour horizon
      for (int i = 0; i < 4; i++) {
        publish(cluster, i % 2, SHARED, "new-" + i, 0, 1); // new-0 links missed-5, which must stay
        publish(cluster, i % 2, FRESH, "fresh-" + i, 0, 1);
      }
      Map<String, List<String>> kept = Map.of(SHARED, List.of("missed-5", "new-0", "new-1", "new-2", "new-3"),
          OLD_ONLY, List.of("old-3"), DORMANT, List.of("dormant"), FRESH, List.of("fresh-0", "fresh-1", "fresh-2",
              "fresh-3"));
      clock.offset(Duration.ofMinutes(2)); // a pruning pass is due on A and B
      await(Duration.ofSeconds(30), "A and B prune", () -> holds(cluster, kept, 0, 1), () -> state(cluster, 0, 1));
      OriginKey a = origin(cluster, 0);
      OriginKey b = origin(cluster, 1);
      OriginKey c = new OriginKey(HexFormat.of().parseHex(cluster.get(2).node.nodeId()));
      assertThat(store(cluster, 0).floor(a)).as("A pruned its seqs 1-7, kept 8-11").isEqualTo(7);
      assertThat(store(cluster, 0).floor(b)).as("B's 5 is kept as missed-5, 6 is old-1").isEqualTo(6);
      assertThat(store(cluster, 1).floor(c)).isEqualTo(2);

      cluster.restart(2);
      await(Duration.ofSeconds(60), "C catches up, its stale head retired",
          () -> sameVectors(cluster) && sameFingerprints(cluster) && cluster.get(2).node.replicator().status()
              .pending() == 0, () -> state(cluster, 0, 1, 2));
      assertThat(store(cluster, 2).floor(a)).as("A declared its floor 7; C never saw 3-7").isEqualTo(7);
      assertThat(store(cluster, 2).floor(b)).isEqualTo(6);
      assertThat(store(cluster, 2).vector()).containsEntry(a, new OriginProgress(11, 11))
          .containsEntry(b, new OriginProgress(12, 12)).containsEntry(c, new OriginProgress(2, 2));
      clock.offset(Duration.ofMinutes(4)); // the next pass: C prunes early-5, no longer a head
      await(Duration.ofSeconds(30), "every node holds exactly what is kept", () -> holds(cluster, kept, 0, 1, 2),
          () -> state(cluster, 0, 1, 2));
      for (int n = 0; n < 3; n++) {
        assertGapsOnlyBelowFloors(store(cluster, n));
      }
      assertThat(sameFingerprints(cluster)).isTrue();
    }
  }

  /** For every origin: every sequence above the floor, up to contiguous, is stored. */
  private static void assertGapsOnlyBelowFloors(EventStore store) {
    store.vector().forEach((origin, progress) -> {
      long floor = store.floor(origin);
      List<Long> stored = store.originRange(origin, floor + 1, 10_000, Long.MAX_VALUE).stream()
          .map(raw -> EventCodec.decode(raw).event().originSeq()).filter(s -> s <= progress.contiguous()).toList();
      assertThat(stored).as("sequences of %s above floor %d", origin, floor)
          .containsExactlyElementsOf(LongStream.rangeClosed(floor + 1, progress.contiguous()).boxed().toList());
    });
  }

  /** Publishes on one node, then waits until the listed live nodes agree, so each topic grows as a chain. */
  private void publish(ReplicatedCluster cluster, int node, String topic, String message, int... live)
      throws Exception {
    var r = cluster.publish(node, topic, ++ts, message.getBytes(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    await(Duration.ofSeconds(20), "nodes agree after " + message, () -> {
      List<String> prints = new ArrayList<>();
      for (int n : live) {
        prints.add(fingerprint(cluster, n));
      }
      return prints.stream().distinct().count() == 1;
    });
  }

  private static boolean holds(ReplicatedCluster cluster, Map<String, List<String>> kept, int... nodes) {
    for (int n : nodes) {
      for (String topic : TOPICS) {
        if (!messages(cluster, n, topic).equals(kept.get(topic))) {
          return false;
        }
      }
    }
    return true;
  }

  private static List<String> messages(ReplicatedCluster cluster, int node, String topic) {
    try {
      QueryResponse.Builder parsed = QueryResponse.newBuilder();
      com.google.protobuf.util.JsonFormat.parser().ignoringUnknownFields()
          .merge(cluster.get(node).query(topic, 100, "SORT_DIRECTION_ASCENDING", null).body(), parsed);
      return parsed.getEnvelopesList().stream().map(e -> e.getMessage().toString(StandardCharsets.UTF_8)).toList();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean sameVectors(ReplicatedCluster cluster) {
    return store(cluster, 0).vector().equals(store(cluster, 1).vector())
        && store(cluster, 1).vector().equals(store(cluster, 2).vector());
  }

  private static boolean sameFingerprints(ReplicatedCluster cluster) {
    return fingerprint(cluster, 0).equals(fingerprint(cluster, 1))
        && fingerprint(cluster, 1).equals(fingerprint(cluster, 2));
  }

  private static String fingerprint(ReplicatedCluster cluster, int node) {
    try {
      return cluster.fingerprint(node);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static EventStore store(ReplicatedCluster cluster, int node) {
    return cluster.get(node).node.store();
  }

  private static OriginKey origin(ReplicatedCluster cluster, int node) {
    return new OriginKey(HexFormat.of().parseHex(cluster.get(node).node.nodeId()));
  }

  private static void await(Duration timeout, String what, BooleanSupplier condition) {
    await(timeout, what, condition, () -> "");
  }

  /** Waits until the condition holds; on timeout the failure describes the cluster (computed only then). */
  private static void await(Duration timeout, String what, BooleanSupplier condition,
      java.util.function.Supplier<String> state) {
    try {
      Awaitility.await(what).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
          .until(condition::getAsBoolean);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("timed out waiting until " + what + "; " + state.get(), e);
    }
  }

  private static String state(ReplicatedCluster cluster, int... nodes) {
    StringBuilder sb = new StringBuilder();
    for (int n : nodes) {
      sb.append("\nnode ").append(n).append(": vector ").append(store(cluster, n).vector().values());
      for (String topic : TOPICS) {
        sb.append("\n  ").append(topic).append(' ').append(messages(cluster, n, topic));
      }
    }
    return sb.toString();
  }

  /** Real time plus an offset the test moves, so timers keep running while created_at values jump. */
  static final class OffsetClock extends Clock {
    private volatile Duration offset;

    OffsetClock(Duration offset) {
      this.offset = offset;
    }

    void offset(Duration d) {
      offset = d;
    }

    @Override
    public Instant instant() {
      return Instant.now().plus(offset);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
