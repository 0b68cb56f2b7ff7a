package org.xmtpj.testing.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.xmtpj.dag.ClientEnvelope;
import org.xmtpj.dag.EventCodec;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.PayloadType;
import org.xmtpj.dag.SignedEvent;
import org.xmtpj.node.replication.ReplicatorOptions;

/**
 * Sync behaviour (replication-prior-art.md §5.b, §5.e rows 12 and 17): wide concurrency, future-dated events, the
 * cost of repairing a gap and of staying in sync.
 */
@ExtendWith(SeedReporter.class)
class SyncScenariosTest {
  private static final String T = "/xmtp/0/m-sync/proto";

  @Test
  void shouldBoundHeadsAndRateLimitMergesUnderWideConcurrency(TestInfo info) {
    int writers = 20;
    try (Simulation sim = Sims.builder(112, info)
        .replicas(writers).faults(FaultProfile.NONE.withDelays(20, 300)).build().start()) {
      sim.runFor(Duration.ofSeconds(2));
      int maxHeads = 0;
      for (int s = 0; s < 60; s++) {
        for (SimReplica w : sim.replicas()) {
          if (sim.random().nextInt(2) == 0) { // each writer publishes every other second on average, all at once
            assertThat(w.publish(T, Sims.bytes(w.name() + " " + s))).isEqualTo(SimReplica.PublishResult.ACKED);
          }
        }
        sim.runFor(Duration.ofSeconds(1));
        for (SimReplica r : sim.replicas()) {
          maxHeads = Math.max(maxHeads, Sims.heads(r, T).size());
        }
      }
      assertThat(maxHeads).as("the topic was wide, and its width stayed bounded by the writers").isBetween(5, writers);
      sim.quiesce();
      sim.runFor(Duration.ofMinutes(3));
      ConvergenceOracle.assertConverged(sim);
      Map<EventId, SignedEvent> events = Sims.events(sim.replica(0));
      assertThat(events.values()).allMatch(e -> e.event().parents().size() <= 16);
      assertThat(events.values()).anyMatch(e -> e.event().parents().size() > 2);
      Map<OriginKey, List<Long>> merges = new HashMap<>();
      events.values().stream().filter(e -> e.event().payloadType() == PayloadType.MERGE).forEach(e -> merges
          .computeIfAbsent(new OriginKey(e.event().origin()), k -> new ArrayList<>()).add(e.event().createdAtMs()));
      int total = merges.values().stream().mapToInt(List::size).sum();
      assertThat(total).as("merge events happened, and far fewer than writes").isBetween(1, events.size() / 10);
      for (List<Long> times : merges.values()) {
        times.sort(null);
        for (int i = 1; i < times.size(); i++) {
          assertThat(times.get(i) - times.get(i - 1)).as("one merge per topic per node per 30 s")
              .isGreaterThanOrEqualTo(sim.policy().mergeAfterMs());
        }
      }
      for (SimReplica r : sim.replicas()) {
        assertThat(Sims.heads(r, T)).as("%s heads once merged", r.name()).hasSizeBetween(1, 2);
      }
    }
  }

  @Test
  void shouldHideFutureDatedEventsUntilDueAndNeverLinkThem(TestInfo info) {
    try (Simulation sim = Sims.builder(117, info)
        .replicas(3).extraMembers(1).faults(FaultProfile.NONE.withDelays(1, 20)).build().start()) {
      MaliciousPeer skewed = MaliciousPeer.join(sim, 0); // an origin whose clock is far ahead
      sim.runFor(Duration.ofSeconds(2));
      List<String> honest = new ArrayList<>();
      publish(sim, honest, 3);
      long now = sim.scheduler().nowMs();
      byte[] tenMinutes = skewed.event(T, List.of(), now + 600_000L, Sims.bytes("ten minutes ahead"));
      byte[] tenYears = skewed.event(T, List.of(), now + 315_360_000_000L, Sims.bytes("ten years ahead"));
      EventId soon = EventCodec.decode(tenMinutes).id();
      EventId never = EventCodec.decode(tenYears).id();
      skewed.push(sim.replica(0), List.of(tenMinutes, tenYears));
      for (int i = 0; i < 20; i++) { // the topic keeps flowing for four minutes
        publish(sim, honest, 1);
        sim.runFor(Duration.ofSeconds(12));
      }
      for (SimReplica r : sim.replicas()) {
        assertThat(r.store().existingIds(Set.of(soon, never))).as("%s stored both", r.name()).hasSize(2);
        assertThat(messages(r)).as("%s shows every honest publish and hides the future ones", r.name())
            .containsExactlyInAnyOrderElementsOf(honest);
        assertThat(Sims.heads(r, T)).as("%s keeps hidden events as heads", r.name()).contains(soon, never);
        assertThat(parentsOf(r)).as("%s never linked a hidden event", r.name()).doesNotContain(soon, never);
      }
      sim.scheduler().runUntil(now + 600_000L - sim.policy().futureToleranceMs() + 2_000L);
      publish(sim, honest, 1);
      sim.runFor(Duration.ofSeconds(5));
      for (SimReplica r : sim.replicas()) {
        assertThat(messages(r)).as("%s: due, the ten-minute event is visible", r.name()).contains("ten minutes ahead")
            .doesNotContain("ten years ahead");
        assertThat(parentsOf(r)).as("%s: due, it is linked", r.name()).contains(soon).doesNotContain(never);
      }
      sim.quiesce();
      ConvergenceOracle.assertConverged(sim);
    }
  }

  private static void publish(Simulation sim, List<String> published, int n) {
    for (int i = 0; i < n; i++) {
      String m = "honest " + published.size();
      assertThat(sim.replica(sim.random().nextInt(3)).publish(T, Sims.bytes(m)))
          .isEqualTo(SimReplica.PublishResult.ACKED);
      published.add(m);
      sim.runFor(Duration.ofMillis(500));
    }
  }

  private static List<String> messages(SimReplica r) {
    return Sims.read(r, T).stream().map(e -> new String(e.message())).toList();
  }

  private static Set<EventId> parentsOf(SimReplica r) {
    Set<EventId> out = new java.util.HashSet<>();
    Sims.events(r).values().forEach(e -> out.addAll(e.event().parents()));
    return out;
  }

  @Test
  void shouldRepairOneThousandEventGapInAtMostTwoRoundTrips(TestInfo info) {
    ReplicatorOptions noStreaming = new ReplicatorOptions(10_000, 64L << 20, 600_000, 60_000, 100_000, 100_000, 4,
        250_000);
    try (Simulation sim = Sims.builder(105, info)
        .replicas(3).options(noStreaming).build().start()) {
      SimReplica a = sim.replica(0);
      SimReplica b = sim.replica(1);
      sim.runFor(Duration.ofSeconds(2));
      b.crash();
      for (int batch = 0; batch < 20; batch++) {
        List<ClientEnvelope> envelopes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          envelopes.add(new ClientEnvelope(T, sim.scheduler().nowMs() * 1_000_000L + i, Sims.bytes(batch + "/" + i)));
        }
        assertThat(a.publishAll(envelopes)).isEqualTo(SimReplica.PublishResult.ACKED);
        sim.runFor(Duration.ofMillis(200));
      }
      sim.runFor(Duration.ofSeconds(5));
      List<NetStats.Call> fetches = new ArrayList<>();
      List<NetStats.Call> pushes = new ArrayList<>();
      sim.network().stats().observe(c -> {
        if (c.from().equals(b.key()) && (c.type() == CallType.ANCESTORS || c.type() == CallType.ORIGIN_RANGE)) {
          fetches.add(c);
        }
        if (c.to().equals(b.key()) && c.type() == CallType.PUSH && c.events() > 0) {
          pushes.add(c);
        }
      });
      long restart = sim.scheduler().nowMs();
      b.start();
      boolean repaired = sim.scheduler().runUntil(() -> b.isUp() && Sims.read(b, T).size() == 1_000,
          restart + 60_000);
      long repairMs = sim.scheduler().nowMs() - restart;
      System.out.printf("gap of 1000: repaired in %d ms virtual; fetches by b %s; pushes to b %s%n", repairMs,
          fetches.stream().map(c -> c.type() + "→" + sim.network().name(c.to())).toList(),
          pushes.stream().map(c -> sim.network().name(c.from()) + ":" + c.events()).toList());
      assertThat(repaired).isTrue();
      assertThat(fetches.size()).as("GetAncestors + GetOriginRange calls by the lagging node").isLessThanOrEqualTo(2);
      // vector exchange, then one fetch: with one-way delays of at most 5 ms, two round trips take < 100 ms
      assertThat(repairMs).as("virtual ms to repair").isLessThan(100);
      sim.quiesce();
      ConvergenceOracle.assertConverged(sim);
    }
  }

  @Test
  void shouldCostTheSameToSyncWhenInSyncRegardlessOfTopicCount(TestInfo info) {
    long[] few = inSyncCost(10, info);
    long[] many = inSyncCost(1_000, info);
    System.out.printf("in-sync anti-entropy: 10 topics %d calls/%d B, 1000 topics %d calls/%d B%n", few[0], few[1],
        many[0], many[1]);
    assertThat(few[0]).as("rounds happened").isGreaterThanOrEqualTo(10);
    assertThat(many[1] / many[0]).as("bytes per in-sync round").isEqualTo(few[1] / few[0]);
  }

  /** Calls and bytes of anti-entropy over 5 intervals between replicas already in sync; only vector calls. */
  private long[] inSyncCost(int topics, TestInfo info) {
    try (Simulation sim = Sims.builder(106, info)
        .replicas(3).build().start()) {
      sim.runFor(Duration.ofSeconds(2));
      for (int batch = 0; batch < 10; batch++) {
        List<ClientEnvelope> envelopes = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
          int n = batch * 100 + i;
          envelopes.add(new ClientEnvelope("/xmtp/0/m-cost-" + n % topics + "/proto",
              sim.scheduler().nowMs() * 1_000_000L + n, Sims.bytes("e" + n)));
        }
        assertThat(sim.replica(batch % 3).publishAll(envelopes)).isEqualTo(SimReplica.PublishResult.ACKED);
        sim.runFor(Duration.ofMillis(100));
      }
      sim.quiesce();
      ConvergenceOracle.assertConverged(sim);
      assertThat(sim.replica(0).store().topics(null, 2_000)).hasSize(topics);
      sim.network().stats().reset();
      sim.runFor(sim.config().antiEntropyInterval().multipliedBy(5));
      NetStats s = sim.network().stats();
      assertThat(s.totalCalls()).as("nothing but vector exchanges: " + s).isEqualTo(s.calls(CallType.VECTOR));
      return new long[] {s.calls(CallType.VECTOR), s.bytes(CallType.VECTOR)};
    }
  }
}
