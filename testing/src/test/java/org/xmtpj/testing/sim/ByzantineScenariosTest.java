package org.xmtpj.testing.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.xmtpj.dag.DagLimits;
import org.xmtpj.dag.EventCodec;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.node.replication.PeerException;
import org.xmtpj.node.replication.PeerStates;
import org.xmtpj.node.replication.ReplicatorOptions;
import org.xmtpj.store.Evidence;

/**
 * Misbehaving members (replication-prior-art.md §5.e rows 8–11): malformed and forged frames, floods of orphans,
 * equivocation and withholding. Honest replicas must store nothing invalid, keep converging, and penalize only
 * the culprit.
 */
@ExtendWith(SeedReporter.class)
class ByzantineScenariosTest {
  private static final String T1 = "/xmtp/0/m-byz-1/proto";
  private static final String T2 = "/xmtp/0/m-byz-2/proto";

  @Test
  void shouldRejectForgedIdsBadSignaturesOversizedFramesBadParentsAndPenalizePeer(TestInfo info) {
    try (Simulation sim = Sims.builder(108, info).replicas(3).extraMembers(1)
        .antiEntropyInterval(Duration.ofSeconds(5)).build().start()) {
      MaliciousPeer m = MaliciousPeer.join(sim, 0);
      SimReplica a = sim.replica(0);
      SimReplica b = sim.replica(1);
      SimReplica c = sim.replica(2);
      sim.runFor(Duration.ofSeconds(2));
      assertThat(b.publish(T1, Sims.bytes("honest"))).isEqualTo(SimReplica.PublishResult.ACKED);
      sim.runFor(Duration.ofSeconds(1));
      EventId inT1 = Sims.heads(a, T1).get(0);
      long t = sim.scheduler().nowMs();
      List<byte[]> bad = new ArrayList<>();
      bad.add(BadFrames.forgedId(m.event(T2, List.of(), t, Sims.bytes("forged"))));
      bad.add(BadFrames.badSignature(m.event(T2, List.of(), t, Sims.bytes("bad signature"))));
      bad.add(BadFrames.event(m.keys(), T2, m.nextSeq(), t, BadFrames.randomIds(sim.random(), 17), Sims.bytes("17")));
      List<EventId> unsorted = new ArrayList<>(BadFrames.randomIds(sim.random(), 2));
      java.util.Collections.reverse(unsorted);
      bad.add(BadFrames.event(m.keys(), T2, m.nextSeq(), t, unsorted, Sims.bytes("unsorted")));
      bad.add(m.event(T2, List.of(inT1), t, Sims.bytes("parent in another topic")));
      Set<EventId> badIds = new java.util.HashSet<>();
      for (int i = 0; i < bad.size(); i++) {
        badIds.add(bodyId(bad.get(i), i == 2 ? 17 : i == 3 ? 2 : i == 4 ? 1 : 0));
      }
      for (int i = 0; i < bad.size(); i++) {
        assertThat(a.replicator().isBanned(m.key())).as("banned before offence %d", i).isFalse();
        m.push(a, List.of(bad.get(i)));
        sim.runFor(Duration.ofMillis(100));
      }
      assertThat(a.metrics().rejected("invalid")).isEqualTo(4);
      assertThat(a.metrics().rejected("parent_other_topic")).isEqualTo(1);
      // 20 points each, -100 bans; the few points its (empty) answers to a's calls earned back cost one more
      int extra = 0;
      while (!a.replicator().isBanned(m.key()) && extra < 5) {
        m.push(a, List.of(BadFrames.badSignature(m.event(T2, List.of(), t, Sims.bytes("more " + extra)))));
        sim.runFor(Duration.ofMillis(100));
        extra++;
      }
      assertThat(a.replicator().isBanned(m.key())).as("banned").isTrue();
      assertThat(extra).as("offences beyond the five until the ban").isLessThanOrEqualTo(1);
      CompletableFuture<Void> refused = m.push(a, List.of(m.event(T2, List.of(), t, Sims.bytes("valid"))));
      sim.runFor(Duration.ofMillis(100));
      assertThat(refused).isCompletedExceptionally();
      assertThat(kind(refused)).isEqualTo(PeerException.Kind.REFUSED);
      long firstBan = banLength(sim, a, m);

      // a repeat offender stays out longer: the second ban doubles the first
      int offences = 0;
      while (!a.replicator().isBanned(m.key()) && offences < 20) {
        m.push(a, List.of(BadFrames.badSignature(m.event(T2, List.of(), t, Sims.bytes("again " + offences)))));
        sim.runFor(Duration.ofMillis(100));
        offences++;
      }
      assertThat(offences).as("offences until the second ban").isBetween(5, 7);
      long secondBan = banLength(sim, a, m);
      assertThat(firstBan).isBetween(59_000L, 61_000L);
      assertThat(secondBan).isBetween(2 * firstBan - 1_000, 2 * firstBan + 1_000);

      // the transport refuses a frame above the limit before any handler sees it
      long receivedBefore = b.metrics().received();
      List<byte[]> huge = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        huge.add(new byte[1 << 20]);
      }
      CompletableFuture<Void> oversized = m.push(b, huge);
      sim.runFor(Duration.ofMillis(100));
      assertThat(kind(oversized)).isEqualTo(PeerException.Kind.INVALID);
      assertThat(b.metrics().received()).isEqualTo(receivedBefore);
      // an event above the event limit inside a legal frame is rejected and charged
      byte[] big = BadFrames.event(m.keys(), T2, m.nextSeq(), t, List.of(), new byte[DagLimits.MAX_EVENT_BYTES]);
      badIds.add(bodyId(big, 0));
      m.push(b, List.of(big));
      sim.runFor(Duration.ofMillis(100));
      assertThat(b.metrics().rejected("oversized")).isEqualTo(1);
      // answers above the frame limit break the protocol: c's anti-entropy pulls charge the peer until banned
      m.answer(MaliciousPeer.Answer.OVERSIZED);
      sim.scheduler().runUntil(() -> c.replicator().isBanned(m.key()), sim.scheduler().nowMs() + 600_000);
      assertThat(c.replicator().isBanned(m.key())).as("banned for oversized answers").isTrue();

      new Workload(List.of(T1, T2), T1, 20, 0, 0, 10_000, 64).schedule(sim);
      sim.runFor(Duration.ofSeconds(11));
      sim.quiesce();
      ConvergenceOracle.assertConverged(sim); // honest replicas agree, hold only valid events, banned no one honest
      for (SimReplica r : sim.replicas()) {
        assertThat(r.store().existingIds(badIds)).as("%s stored a bad frame", r.name()).isEmpty();
        assertThat(r.store().vector()).as("%s stored an event of the malicious origin", r.name())
            .doesNotContainKey(m.key());
        assertThat(Sims.read(r, T1)).hasSize((int) sim.replicas().stream()
            .flatMap(x -> x.acked().stream()).filter(e -> e.contentTopic().equals(T1)).count());
      }
    }
  }

  /** The id a frame's body hashes to, whatever else is wrong with it. */
  private static EventId bodyId(byte[] frame, int parents) {
    int payloadLength = java.nio.ByteBuffer.wrap(frame, 1 + 32 + 32 + 8 + 8 + 2 + 32 * parents + 2, 4).getInt();
    return BadFrames.idOf(frame, parents, payloadLength);
  }

  private static PeerException.Kind kind(CompletableFuture<?> f) {
    Throwable e = f.exceptionNow();
    return e instanceof PeerException pe ? pe.kind() : null;
  }

  /** Runs until the ban of {@code m} on {@code r} ends; returns how long it lasted (to the second). */
  private static long banLength(Simulation sim, SimReplica r, MaliciousPeer m) {
    long from = sim.scheduler().nowMs();
    while (r.replicator().isBanned(m.key()) && sim.scheduler().nowMs() - from < 3_600_000) {
      sim.runFor(Duration.ofSeconds(1));
    }
    return sim.scheduler().nowMs() - from;
  }

  @Test
  void shouldBoundPendingBufferWhenPeerFloodsUnresolvableParents(TestInfo info) {
    ReplicatorOptions small = new ReplicatorOptions(200, 64L << 20, 60_000, 60_000, 1_000, 100_000, 4, 250_000);
    try (Simulation sim = Sims.builder(109, info)
        .replicas(3).extraMembers(1).options(small).build().start()) {
      MaliciousPeer m = MaliciousPeer.join(sim, 0);
      SimReplica a = sim.replica(0);
      sim.runFor(Duration.ofSeconds(2));
      List<byte[]> flood = new ArrayList<>();
      for (int i = 0; i < 2_000; i++) {
        flood.add(m.event(T2, BadFrames.randomIds(sim.random(), 3), sim.scheduler().nowMs(), Sims.bytes("o" + i)));
      }
      List<long[]> honest = new ArrayList<>(); // {publish time, index}
      int maxPending = 0;
      for (int step = 0; step < 40; step++) {
        m.push(a, flood.subList(step * 50, step * 50 + 50));
        if (step % 2 == 0) {
          SimReplica w = sim.replica(1 + step / 2 % 2);
          assertThat(w.publish(T1, Sims.bytes("honest " + step))).isEqualTo(SimReplica.PublishResult.ACKED);
          honest.add(new long[] {sim.scheduler().nowMs(), step});
        }
        for (int k = 0; k < 10; k++) {
          sim.runFor(Duration.ofMillis(10));
          maxPending = Math.max(maxPending, a.replicator().status().pending());
        }
      }
      assertThat(maxPending).as("orphans held for the flooding peer").isEqualTo(200);
      assertThat(a.metrics().maxPending()).isEqualTo(200);
      assertThat(a.metrics().rejected("pending_quota")).isPositive();
      assertThat(a.metrics().bans()).as("the flooder was banned").contains(m.key().hex());
      // other topics flowed as usual: every honest publish was visible on a within a second
      for (var e : Sims.read(a, T1)) {
        Long seen = a.visibleAtMs(e.digest());
        assertThat(seen).isNotNull();
        assertThat(seen - e.timestampNs() / 1_000_000L).as("latency of %s on the flooded node", e).isLessThan(1_000);
      }
      assertThat(Sims.read(a, T1)).hasSize(honest.size());
      // orphans expire after their TTL and are charged to the sender
      sim.runFor(Duration.ofSeconds(70));
      assertThat(a.replicator().status().pending()).isZero();
      assertThat(a.metrics().rejected("pending_expired")).isEqualTo(200);
      sim.quiesce();
      ConvergenceOracle.assertConverged(sim);
      assertThat(a.store().vector()).doesNotContainKey(m.key());
    }
  }

  @Test
  void shouldKeepBothEventsAndRecordEvidenceOnEquivocation(TestInfo info) {
    try (Simulation sim = Sims.builder(110, info)
        .replicas(3).extraMembers(1).faults(FaultProfile.NONE.withDelays(1, 50)).build().start()) {
      MaliciousPeer m = MaliciousPeer.join(sim, 0);
      sim.runFor(Duration.ofSeconds(2));
      long t = sim.scheduler().nowMs();
      byte[] first = BadFrames.event(m.keys(), T1, 1, t, List.of(), Sims.bytes("variant one"));
      byte[] second = BadFrames.event(m.keys(), T1, 1, t, List.of(), Sims.bytes("variant two"));
      byte[] next = BadFrames.event(m.keys(), T1, 2, t, List.of(), Sims.bytes("after"));
      sim.network().cut(sim.replica(0).key(), sim.replica(1).key()); // r0 apart from the others, not from m
      sim.network().cut(sim.replica(0).key(), sim.replica(2).key());
      m.push(sim.replica(0), List.of(first, next));
      m.push(sim.replica(2), List.of(second));
      sim.runFor(Duration.ofSeconds(1));
      sim.replica(0).publish(T1, Sims.bytes("links variant one"));
      sim.replica(2).publish(T1, Sims.bytes("links variant two"));
      sim.runFor(Duration.ofSeconds(5));
      sim.network().heal();
      sim.quiesce();
      ConvergenceOracle.assertConverged(sim);
      Set<EventId> both = Set.of(EventCodec.decode(first).id(), EventCodec.decode(second).id());
      for (SimReplica r : sim.replicas()) {
        assertThat(r.store().existingIds(both)).as("%s keeps both variants", r.name()).hasSize(2);
        List<Evidence> evidence = r.store().evidence(10);
        assertThat(evidence).as("%s recorded the proof", r.name()).hasSize(1);
        Evidence e = evidence.get(0);
        assertThat(e.origin()).isEqualTo(m.key());
        assertThat(e.originSeq()).isEqualTo(1);
        assertThat(Set.of(EventCodec.decode(e.first()).id(), EventCodec.decode(e.second()).id())).isEqualTo(both);
        assertThat(r.store().vector().get(m.key()).contiguous()).as("the sequence counts once").isEqualTo(2);
        assertThat(Sims.read(r, T1)).hasSize(5);
      }
      assertThat(sim.replicas().stream().mapToInt(r -> r.evidenceSeen().size()).sum())
          .as("the writers reported it").isPositive();
    }
  }

  @Test
  void shouldFetchFromOthersAndMarkPeerSlowWhenItWithholds(TestInfo info) {
    try (Simulation sim = Sims.builder(111, info)
        .replicas(4).antiEntropyInterval(Duration.ofSeconds(10)).build().start()) {
      SimReplica lagging = sim.replica(0);
      SimReplica writer = sim.replica(1);
      SimReplica withholder = sim.replica(3);
      withholder.withhold(true);
      sim.runFor(Duration.ofSeconds(2));
      // the lagging node can reach only the withholder while the writer publishes
      sim.network().cut(lagging.key(), writer.key());
      sim.network().cut(lagging.key(), sim.replica(2).key());
      for (int i = 0; i < 30; i++) {
        writer.publish(T1, Sims.bytes("w" + i));
        sim.runFor(Duration.ofMillis(200));
      }
      sim.runFor(Duration.ofSeconds(120));
      assertThat(Sims.read(lagging, T1)).as("nothing reached the lagging node").isEmpty();
      assertThat(Sims.read(withholder, T1)).as("the withholder holds it all").hasSize(30);
      assertThat(lagging.metrics().rejected("withheld")).as("empty answers to advertised ranges")
          .isGreaterThanOrEqualTo(3);
      assertThat(PeerStates.slow(lagging.replicator(), withholder.key())).as("withholder marked slow").isTrue();
      sim.network().heal();
      sim.runFor(Duration.ofSeconds(30));
      assertThat(Sims.read(lagging, T1)).as("fetched from the others").hasSize(30);
      sim.quiesce();
      ConvergenceOracle.assertConverged(sim);
    }
  }
}
