package org.xmtpj.testing.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.xmtpj.dag.ClientEnvelope;
import org.xmtpj.dag.EventCodec;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.PayloadType;
import org.xmtpj.dag.SignedEvent;
import org.xmtpj.dag.TopicKey;

/**
 * Network faults from the scenario table of replication-prior-art.md §5.e: duplication (row 1), reordering
 * (row 2), loss repaired by anti-entropy alone (row 3) and a healed partition (row 4). Each scenario has a fixed
 * default seed; {@code -Dsim.seed=N} replays another.
 */
@ExtendWith(SeedReporter.class)
class FaultScenariosTest {
  private static final String T1 = "/xmtp/0/m-fault-1/proto";
  private static final String T2 = "/xmtp/0/m-fault-2/proto";
  private static final String T3 = "/xmtp/0/m-fault-3/proto";
  private static final String DORMANT = "/xmtp/0/m-fault-dormant/proto";

  @Test
  void shouldStayIdempotentWhenPushesAreDeliveredUpToThreeTimes(TestInfo info) {
    try (Simulation sim = Sims.builder(101, info)
        .replicas(4).build().start()) {
      sim.runFor(Duration.ofSeconds(2));
      sim.network().setFaults(new FaultProfile(0, 0.7, 1, 80, 2_000), EnumSet.of(CallType.PUSH));
      new Workload(List.of(T1, T2), DORMANT, 60, 5, 0, 20_000, 100).schedule(sim);
      sim.runFor(Duration.ofSeconds(25));
      assertThat(sim.network().duplicatedLegs()).as("pushes delivered more than once").isGreaterThan(50);
      sim.quiesce();
      sim.runFor(Duration.ofMinutes(2)); // time for merge events on topics left wide by concurrent writers
      ConvergenceOracle.assertConverged(sim);
      for (SimReplica r : sim.replicas()) {
        Map<EventId, SignedEvent> events = Sims.events(r);
        long own = events.values().stream().filter(e -> r.key().equals(new OriginKey(e.event().origin()))).count();
        assertThat(r.metrics().received()).as("%s received duplicates", r.name())
            .isGreaterThan(r.metrics().inserted());
        assertThat(r.metrics().inserted()).as("%s inserted each foreign event exactly once", r.name())
            .isEqualTo(events.size() - own);
        for (String t : List.of(T1, T2, DORMANT)) {
          assertThat(Sims.heads(r, t)).as("%s heads of %s", r.name(), t).hasSizeBetween(1, 2);
        }
      }
    }
  }

  @Test
  void shouldInsertEverythingWhenChildrenArriveBeforeParents(TestInfo info) {
    try (Simulation sim = Sims.builder(102, info)
        .replicas(3).extraMembers(1).faults(FaultProfile.NONE.withDelays(1, 1)).build().start()) {
      MaliciousPeer feeder = MaliciousPeer.join(sim, 0); // pushes what it is given; serves nothing
      SimReplica a = sim.replica(0);
      SimReplica b = sim.replica(1);
      SimReplica target = sim.replica(2);
      sim.runFor(Duration.ofSeconds(2));
      // a and b write concurrently apart, then together: a DAG with branches and merges, held by a only
      sim.network().partition(List.of(a.key()), List.of(b.key()));
      publishEverySecond(sim, List.of(a, b), List.of(T1, T2), 20);
      sim.network().partition(List.of(a.key(), b.key()));
      sim.runFor(Duration.ofSeconds(90));
      publishEverySecond(sim, List.of(a, b), List.of(T1, T2), 10);
      sim.runFor(Duration.ofSeconds(5));
      List<byte[]> feed = new ArrayList<>(Sims.topicRows(a, T1));
      feed.addAll(Sims.topicRows(a, T2));
      java.util.Collections.reverse(feed); // children first, roots last
      assertThat(feed.size()).isGreaterThan(60);
      for (int i = 0; i < feed.size(); i++) {
        byte[] e = feed.get(i);
        sim.scheduler().schedule(Duration.ofMillis(5L * i), () -> feeder.push(target, List.of(e)));
      }
      sim.runFor(Duration.ofMillis(5L * feed.size() + 5_000));
      assertThat(target.metrics().maxPending()).as("children waited for their parents")
          .isEqualTo(expectedMaxPending(feed)).isGreaterThan(20);
      assertThat(target.replicator().status().pending()).isZero();
      for (String t : List.of(T1, T2)) {
        assertThat(Sims.heads(target, t)).isEqualTo(Sims.heads(a, t));
        assertThat(Sims.read(target, t)).isEqualTo(Sims.read(a, t));
      }
      sim.quiesce();
      ConvergenceOracle.assertConverged(sim);
    }
  }

  @Test
  void shouldConvergeIncludingDormantTopicWhenHalfOfPushesAreDropped(TestInfo info) {
    try (Simulation sim = Sims.builder(103, info)
        .replicas(4).build().start()) {
      sim.runFor(Duration.ofSeconds(2));
      // half of all pushes vanish after being accepted: their senders never learn, only anti-entropy can repair
      sim.network().setSilentPushLoss(0.5);
      new Workload(List.of(T1, T2, T3), DORMANT, 80, 8, 0, 60_000, 100).schedule(sim);
      sim.runFor(Duration.ofMillis(6_100));
      // the dormant topic's writes are over (the first 6 s); some of them never reached some replica
      assertThat(sim.replicas()).as("the dormant topic is incomplete somewhere")
          .anyMatch(r -> Sims.read(r, DORMANT).size() < 8);
      sim.runFor(Duration.ofMillis(53_900));
      assertThat(sim.network().silentlyLostPushes()).isGreaterThan(20);
      long interval = sim.config().antiEntropyInterval().toMillis();
      long start = sim.scheduler().nowMs();
      boolean converged = sim.scheduler().runUntilQuiet(start + 3 * interval, 250,
          () -> Sims.converged(sim.replicas()));
      assertThat(converged).as("converged within 3 anti-entropy intervals").isTrue();
      System.out.printf("row 3: converged %d ms after the last publish (interval %d ms); %s%n",
          sim.scheduler().nowMs() - start, interval, sim.network().stats());
      sim.quiesce();
      ConvergenceOracle.assertConverged(sim);
      for (SimReplica r : sim.replicas()) {
        assertThat(Sims.read(r, DORMANT)).hasSize(8);
      }
    }
  }

  @Test
  void shouldInterleaveByTimeAndMergeHeadsAfterPartitionHeals(TestInfo info) {
    try (Simulation sim = Sims.builder(104, info)
        .replicas(5).faults(FaultProfile.NONE.withDelays(1, 30)).build().start()) {
      List<SimReplica> left = sim.replicas().subList(0, 2);
      List<SimReplica> right = sim.replicas().subList(2, 5);
      sim.runFor(Duration.ofSeconds(2));
      sim.network().partition(sim.keys(left), sim.keys(right));
      for (int i = 0; i < 120; i++) {
        boolean l = sim.random().nextBoolean();
        List<SimReplica> side = l ? left : right;
        SimReplica r = side.get(sim.random().nextInt(side.size()));
        assertThat(r.publish(T1, Sims.bytes((l ? "L" : "R") + i))).isEqualTo(SimReplica.PublishResult.ACKED);
        sim.runFor(Duration.ofMillis(1_000));
      }
      for (SimReplica r : sim.replicas()) { // the same instant everywhere: 2 + 3 concurrent heads at the heal
        assertThat(r.publish(T1, Sims.bytes((left.contains(r) ? "L" : "R") + "-last-" + r.name())))
            .isEqualTo(SimReplica.PublishResult.ACKED);
      }
      sim.runFor(Duration.ofSeconds(1));
      assertThat(Sims.heads(sim.replica(4), T1)).hasSize(3);
      assertThat(Sims.read(left.get(0), T1)).allMatch(e -> new String(e.message()).startsWith("L"));
      sim.network().heal();
      sim.quiesce();
      sim.runFor(Duration.ofMinutes(3)); // merge events (30 s per rank) bring the heads back down
      ConvergenceOracle.assertConverged(sim);
      List<ClientEnvelope> merged = Sims.read(sim.replica(4), T1);
      assertThat(merged).hasSize(125);
      assertThat(merged).isSortedAccordingTo((x, y) -> Long.compare(x.timestampNs(), y.timestampNs()));
      int switches = 0;
      for (int i = 1; i < merged.size(); i++) {
        if (merged.get(i).message()[0] != merged.get(i - 1).message()[0]) {
          switches++;
        }
      }
      assertThat(switches).as("partition-era messages interleave by time, not side by side").isGreaterThan(30);
      for (SimReplica r : sim.replicas()) {
        assertThat(Sims.heads(r, T1)).as("%s heads after merge events", r.name()).hasSizeBetween(1, 2);
      }
      List<SignedEvent> merges = Sims.events(sim.replica(0)).values().stream()
          .filter(e -> new TopicKey(e.event().topicId()).equals(TopicKey.of(T1)))
          .filter(e -> e.event().payloadType() == PayloadType.MERGE).toList();
      assertThat(merges).as("merge events joined the five heads, and only a few were needed").hasSizeBetween(1, 4)
          .allMatch(e -> e.event().parents().size() >= 2);
    }
  }

  /**
   * An origin's events above a gap in its sequence spread even when the origin is gone for good: one replica
   * holds event 7 of an origin whose event 6 nobody ever received, so every vector stops at 5 and only that
   * replica's maximum says more exists.
   */
  @Test
  void shouldSpreadEventsAboveASequenceGapWhenTheirOriginIsGone(TestInfo info) {
    try (Simulation sim = Sims.builder(107, info).replicas(4).build().start()) {
      SimReplica a = sim.replica(0);
      SimReplica origin = sim.replica(3);
      sim.runFor(Duration.ofSeconds(2));
      for (int i = 0; i < 5; i++) {
        origin.publish(T1, Sims.bytes("everywhere " + i));
      }
      sim.runFor(Duration.ofSeconds(1));
      for (SimReplica r : sim.replicas().subList(0, 3)) {
        sim.network().loseSilently(origin.key(), r.key());
      }
      origin.publish(T2, Sims.bytes("nobody gets this"));
      sim.runFor(Duration.ofSeconds(1));
      sim.network().heal();
      for (SimReplica r : sim.replicas().subList(1, 3)) {
        sim.network().loseSilently(origin.key(), r.key());
        sim.network().loseSilently(a.key(), r.key());
      }
      origin.publish(T3, Sims.bytes("only a gets this"));
      sim.runFor(Duration.ofSeconds(1));
      origin.destroy();
      assertThat(Sims.read(a, T3)).hasSize(1);
      assertThat(Sims.read(sim.replica(1), T3)).isEmpty();
      assertThat(a.store().vector().get(origin.key())).isEqualTo(new org.xmtpj.store.OriginProgress(5, 7));
      sim.quiesce();
      ConvergenceOracle.assertConverged(sim);
      assertThat(Sims.read(sim.replica(2), T3)).hasSize(1);
    }
  }

  /** The largest orphan count a replica holds if it receives {@code feed} in order and nothing else. */
  static int expectedMaxPending(List<byte[]> feed) {
    java.util.Set<EventId> inserted = new java.util.HashSet<>();
    Map<EventId, SignedEvent> pending = new java.util.HashMap<>();
    int max = 0;
    for (byte[] raw : feed) {
      SignedEvent e = EventCodec.decode(raw);
      pending.put(e.id(), e);
      boolean progress = true;
      while (progress) {
        progress = pending.values().removeIf(p -> inserted.containsAll(p.event().parents()) && inserted.add(p.id()));
      }
      max = Math.max(max, pending.size());
    }
    return max;
  }

  /** Each second, each writer publishes once on each topic. */
  static void publishEverySecond(Simulation sim, List<SimReplica> writers, List<String> topics, int seconds) {
    for (int s = 0; s < seconds; s++) {
      for (SimReplica w : writers) {
        for (String t : topics) {
          assertThat(w.publish(t, Sims.bytes(w.name() + "-" + t + "-" + sim.scheduler().nowMs() + "-" + s)))
              .isEqualTo(SimReplica.PublishResult.ACKED);
        }
      }
      sim.runFor(Duration.ofSeconds(1));
    }
  }
}
