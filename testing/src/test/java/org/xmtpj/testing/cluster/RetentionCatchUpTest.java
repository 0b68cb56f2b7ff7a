package org.xmtpj.testing.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtp.proto.message.api.v1.Envelope;
import org.xmtpj.dag.EventCodec;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.store.EventStore;
import org.xmtpj.store.OriginProgress;
import org.xmtpj.testing.TestClients;
import org.xmtpj.testing.TestClients.HttpResult;
import org.xmtpj.testing.cluster.LocalCluster.Mode;

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
  private static final Map<String, List<String>> KEPT = Map.of(
      SHARED, List.of("missed-5", "new-0", "new-1", "new-2", "new-3"), OLD_ONLY, List.of("old-3"),
      DORMANT, List.of("dormant"), FRESH, List.of("fresh-0", "fresh-1", "fresh-2", "fresh-3"));
  private static final TestClients READER = TestClients.newIdentity(); // queries need no token

  @TempDir
  Path dir;

  private final OffsetClock clock = new OffsetClock(Duration.ofHours(-2));
  private final TestClients client = TestClients.newIdentity(clock); // tokens dated by the nodes' clock
  private long ts;

  @Test
  void shouldCatchUpAcrossRetentionBoundaryWithGapsOnlyBelowHorizon() throws Exception {
    try (LocalCluster cluster = LocalCluster.builder(Mode.IN_JVM, dir).nodes(3)
        .antiEntropyInterval(Duration.ofMillis(300)).clock(clock)
        .configure(c -> c.withReplication(c.replication().withRetention(Duration.ofHours(1)))).start()) {
      writeWhileCIsDown(cluster);
      clock.offset(Duration.ofMinutes(2)); // a pruning pass is due on A and B
      await(Duration.ofSeconds(30), "A and B prune", () -> holds(cluster, 0, 1), () -> state(cluster, 0, 1));
      OriginKey a = origin(cluster, 0);
      OriginKey b = origin(cluster, 1);
      OriginKey c = origin(cluster, 2);
      assertThat(store(cluster, 0).floor(a)).as("A pruned its seqs 1-7, kept 8-11").isEqualTo(7);
      assertThat(store(cluster, 0).floor(b)).as("B's 5 is kept as missed-5, 6 is old-1").isEqualTo(6);
      assertThat(store(cluster, 1).floor(c)).isEqualTo(2);

      cluster.node(2).restart();
      // same fingerprints and vectors on all three, nothing pending on C: C caught up, its stale head retired
      cluster.awaitAgreement();
      assertThat(store(cluster, 2).floor(a)).as("A declared its floor 7; C never saw 3-7").isEqualTo(7);
      assertThat(store(cluster, 2).floor(b)).isEqualTo(6);
      assertThat(store(cluster, 2).vector()).containsEntry(a, new OriginProgress(11, 11))
          .containsEntry(b, new OriginProgress(12, 12)).containsEntry(c, new OriginProgress(2, 2));
      clock.offset(Duration.ofMinutes(4)); // the next pass: C prunes early-5, no longer a head
      await(Duration.ofSeconds(30), "every node holds exactly what is kept", () -> holds(cluster, 0, 1, 2),
          () -> state(cluster, 0, 1, 2));
      for (int n = 0; n < 3; n++) {
        assertGapsOnlyBelowFloors(store(cluster, n));
      }
      assertThat(List.of(cluster.status(0).fingerprint(), cluster.status(1).fingerprint(),
          cluster.status(2).fingerprint())).as("fingerprints after C pruned").containsOnly(
          cluster.status(0).fingerprint());
    }
  }

  /** C sees SHARED up to early-5, then is down while A and B write, move two hours on and write again. */
  private void writeWhileCIsDown(LocalCluster cluster) throws Exception {
    for (int i = 0; i < 6; i++) {
      publish(cluster, i % 3, SHARED, "early-" + i); // C's last view of SHARED ends at early-5
    }
    cluster.node(2).stop();
    for (int i = 0; i < 6; i++) {
      publish(cluster, i % 2, SHARED, "missed-" + i);
    }
    for (int i = 0; i < 4; i++) {
      publish(cluster, i % 2, OLD_ONLY, "old-" + i);
    }
    publish(cluster, 1, DORMANT, "dormant");
    clock.offset(Duration.ZERO); // two hours later: all of the above is below the one-hour horizon
    for (int i = 0; i < 4; i++) {
      publish(cluster, i % 2, SHARED, "new-" + i); // new-0 links missed-5, which must stay
      publish(cluster, i % 2, FRESH, "fresh-" + i);
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

  /** Publishes on one node, then waits until the running nodes agree, so each topic grows as a chain. */
  private void publish(LocalCluster cluster, int node, String topic, String message) throws Exception {
    Envelope e = Envelope.newBuilder().setContentTopic(topic).setTimestampNs(++ts)
        .setMessage(ByteString.copyFromUtf8(message)).build();
    HttpResult r = client.publish(cluster.node(node).httpUrl(), List.of(e));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    cluster.awaitAgreement();
  }

  private static boolean holds(LocalCluster cluster, int... nodes) {
    for (int n : nodes) {
      for (String topic : TOPICS) {
        if (!messages(cluster, n, topic).equals(KEPT.get(topic))) {
          return false;
        }
      }
    }
    return true;
  }

  private static List<String> messages(LocalCluster cluster, int node, String topic) {
    try {
      return READER.queryAll(cluster.node(node).httpUrl(), topic).stream()
          .map(e -> e.getMessage().toString(StandardCharsets.UTF_8)).toList();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static EventStore store(LocalCluster cluster, int node) {
    return cluster.xmtpNode(node).store();
  }

  private static OriginKey origin(LocalCluster cluster, int node) {
    return new OriginKey(HexFormat.of().parseHex(cluster.node(node).nodeKey()));
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

  private static String state(LocalCluster cluster, int... nodes) {
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
