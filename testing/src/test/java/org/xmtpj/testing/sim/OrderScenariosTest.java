package org.xmtpj.testing.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.xmtpj.dag.ClientEnvelope;
import org.xmtpj.dag.EnvelopeCursor;
import org.xmtpj.dag.EventCodec;
import org.xmtpj.dag.PayloadType;
import org.xmtpj.dag.SortDirection;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.node.ingest.WriterPolicy;
import org.xmtpj.store.EnvelopePage;
import org.xmtpj.store.EnvelopeQuery;
import org.xmtpj.store.TopicSummary;

/**
 * Order and cursors (replication-prior-art.md §5.e rows 14 and 15): the same events in any delivery order give the
 * same state and answers, and paging while events arrive ahead of and behind the cursor never repeats or skips.
 */
@ExtendWith(SeedReporter.class)
class OrderScenariosTest {
  private static final List<String> TOPICS = List.of("/xmtp/0/m-order-1/proto", "/xmtp/0/m-order-2/proto",
      "/xmtp/0/m-order-3/proto");
  /** No merge events in the replaying replicas: they must only apply what they are given. */
  private static final WriterPolicy NO_MERGES = new WriterPolicy(1_000, 10_000,
      WriterPolicy.DEFAULT_FUTURE_TOLERANCE_MS, 86_400_000L);

  @Test
  void shouldProduceIdenticalStateForAnyDeliveryOrder() {
    long seed = Sims.seed(141);
    List<byte[]> all = new ArrayList<>();
    List<String> expected;
    // the same seed gives the same keys: r0..r2 write the DAG in one run, r3 replays it in others
    try (Simulation src = builder(seed, WriterPolicy.of(1_000, 10_000)).build()) {
      List<SimReplica> writers = src.replicas().subList(0, 3);
      writers.forEach(SimReplica::start);
      src.runFor(Duration.ofSeconds(2));
      src.network().partition(List.of(writers.get(0).key()), List.of(writers.get(1).key()));
      FaultScenariosTest.publishEverySecond(src, writers, TOPICS, 15);
      src.network().heal();
      src.runFor(Duration.ofSeconds(100)); // sync and merge events
      FaultScenariosTest.publishEverySecond(src, writers, TOPICS.subList(0, 1), 5);
      src.scheduler().runUntilQuiet(src.scheduler().nowMs() + 120_000, 500, () -> Sims.converged(writers));
      ConvergenceOracle.assertConverged(src);
      TOPICS.forEach(t -> all.addAll(Sims.topicRows(writers.get(0), t)));
      assertThat(all.stream().filter(e -> EventCodec.decode(e).event().payloadType() == PayloadType.MERGE))
          .as("the DAG includes merge events").isNotEmpty();
      expected = snapshot(writers.get(0));
    }
    assertThat(all.size()).isGreaterThan(140);
    SplittableRandom orders = new SplittableRandom(seed * 31 + 7);
    for (int k = 0; k < 4; k++) {
      List<byte[]> feed = new ArrayList<>(all);
      Collections.shuffle(feed, new java.util.Random(orders.nextLong()));
      try (Simulation sim = builder(seed, NO_MERGES).build()) {
        SimReplica target = sim.replica(3);
        target.start();
        MaliciousPeer feeder = MaliciousPeer.join(sim, 0);
        sim.runFor(Duration.ofSeconds(1));
        for (int i = 0; i < feed.size(); ) {
          int n = 1 + orders.nextInt(20);
          feeder.push(target, List.copyOf(feed.subList(i, Math.min(feed.size(), i + n))));
          i += n;
          sim.runFor(Duration.ofMillis(3));
        }
        sim.runFor(Duration.ofSeconds(5));
        assertThat(target.replicator().status().pending()).as("%s order %d", sim.replay(), k).isZero();
        assertThat(snapshot(target)).as("%s: state after delivery order %d", sim.replay(), k).isEqualTo(expected);
      }
    }
  }

  private static Simulation.Builder builder(long seed, WriterPolicy policy) {
    return Sims.builder(seed, OrderScenariosTest.class, "shouldProduceIdenticalStateForAnyDeliveryOrder")
        .replicas(4).extraMembers(1).writerPolicy(policy).faults(FaultProfile.NONE.withDelays(1, 200));
  }

  /** Heads, vector, topic summaries and every client answer (full reads both ways, pages of 7), as text. */
  private static List<String> snapshot(SimReplica r) {
    List<String> out = new ArrayList<>();
    out.add("vector " + r.store().vector());
    for (TopicSummary t : r.store().topics(null, 1_000)) {
      out.add("topic " + t.key() + " " + t.name() + " " + t.events() + " " + HexFormat.of().formatHex(t.headsHash()));
      out.add("heads " + r.store().heads(t.key()));
    }
    for (String topic : TOPICS) {
      for (SortDirection dir : SortDirection.values()) {
        out.add(dir + " " + digests(ConvergenceOracle.all(r.store(), topic, dir)));
        for (EnvelopePage p : ConvergenceOracle.pages(r.store(), topic, dir, 7)) {
          out.add("page " + digests(p.envelopes()) + " next " + (p.next() == null ? null
              : p.next().timestampNs() + "/" + HexFormat.of().formatHex(p.next().digest())));
        }
      }
    }
    return out;
  }

  private static List<String> digests(List<ClientEnvelope> envelopes) {
    return envelopes.stream().map(e -> e.timestampNs() + "/" + HexFormat.of().formatHex(e.digest(), 0, 6)).toList();
  }

  @Test
  void shouldNotDuplicateOrSkipWhenPagingUnderConcurrentInserts(TestInfo info) {
    String topic = TOPICS.get(0);
    try (Simulation sim = Sims.builder(151, info)
        .replicas(3).clockOffsetsMs(List.of(0L, 0L, -300_000L)).faults(FaultProfile.NONE.withDelays(1, 50))
        .build().start()) {
      SimReplica reader = sim.replica(0);
      SimReplica ahead = sim.replica(1);
      SimReplica behind = sim.replica(2); // its clock runs 5 min slow: its envelopes land behind the cursor
      sim.runFor(Duration.ofSeconds(2));
      for (int i = 0; i < 30; i++) {
        sim.replica(i % 3).publish(topic, Sims.bytes("pre-" + i));
        sim.runFor(Duration.ofMillis(100));
      }
      publishTies(ahead, topic, sim.scheduler().nowMs() * 1_000_000L, "pre-tie", 4);
      sim.runFor(Duration.ofSeconds(5));
      for (SortDirection dir : SortDirection.values()) {
        List<List<ClientEnvelope>> present = new ArrayList<>();
        List<EnvelopeCursor> cursors = new ArrayList<>();
        List<ClientEnvelope> returned = new ArrayList<>();
        EnvelopeCursor cursor = null;
        int reads = 0;
        do {
          cursors.add(cursor);
          present.add(ConvergenceOracle.all(reader.store(), topic, dir));
          EnvelopePage page = reader.store().query(new EnvelopeQuery(List.of(topic), 0, 0, dir, cursor, 7));
          returned.addAll(page.envelopes());
          cursor = page.next();
          // between two reads: new envelopes ahead of and behind the cursor, and ties right at it
          ahead.publish(topic, Sims.bytes(dir + "-ahead-" + reads));
          behind.publish(topic, Sims.bytes(dir + "-behind-" + reads));
          if (!returned.isEmpty()) {
            publishTies(ahead, topic, returned.get(returned.size() - 1).timestampNs(), dir + "-tie-" + reads, 2);
          }
          sim.runFor(Duration.ofMillis(150));
        } while (cursor != null && ++reads < 200);
        assertThat(reads).as("paging ends").isLessThan(200);
        Comparator<ClientEnvelope> order = dir == SortDirection.ASCENDING ? KEY : KEY.reversed();
        assertThat(returned).as("%s: no duplicates, strictly in %s order", sim.replay(), dir)
            .isSortedAccordingTo(order).doesNotHaveDuplicates();
        for (int k = 1; k < returned.size(); k++) {
          assertThat(order.compare(returned.get(k - 1), returned.get(k))).isNegative();
        }
        Set<ClientEnvelope> got = new LinkedHashSet<>(returned);
        for (int k = 0; k < present.size(); k++) {
          EnvelopeCursor c = cursors.get(k);
          for (ClientEnvelope e : present.get(k)) {
            if (c == null || cursorOrder(dir, c, e) < 0) {
              assertThat(got).as("%s: %s present at read %d ahead of the cursor, never returned", sim.replay(), e, k)
                  .contains(e);
            }
          }
        }
      }
      sim.quiesce();
      ConvergenceOracle.assertConverged(sim);
      List<ClientEnvelope> asc = Sims.read(reader, topic);
      assertThat(asc).isSortedAccordingTo(KEY);
      long ties = asc.stream().map(ClientEnvelope::timestampNs).distinct().count();
      assertThat(ties).as("some timestamps are shared").isLessThan(asc.size());
    }
  }

  /** Client order: (timestamp, digest), digests compared as unsigned bytes. */
  private static final Comparator<ClientEnvelope> KEY = Comparator.comparingLong(ClientEnvelope::timestampNs)
      .thenComparing(ClientEnvelope::digest, Arrays::compareUnsigned);

  /** Where an envelope lies relative to a cursor in paging direction: positive if ahead of it. */
  private static int cursorOrder(SortDirection dir, EnvelopeCursor c, ClientEnvelope e) {
    int cmp = c.timestampNs() != e.timestampNs() ? Long.compare(c.timestampNs(), e.timestampNs())
        : Arrays.compareUnsigned(c.digest(), e.digest());
    return dir == SortDirection.ASCENDING ? cmp : -cmp;
  }

  private static void publishTies(SimReplica r, String topic, long timestampNs, String tag, int n) {
    List<ClientEnvelope> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batch.add(new ClientEnvelope(topic, timestampNs, Sims.bytes(tag + "-" + i)));
    }
    r.publishAll(batch);
  }
}
