package org.xmtpj.testing.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xmtpj.node.replication.ReplicatorOptions;
import org.xmtpj.dag.CachingVerifier;
import org.xmtpj.dag.ClientEnvelope;
import org.xmtpj.dag.TopicKey;

/**
 * Joining and crashing (replication-prior-art.md §5.e rows 5 and 6): a new replica streams an existing network's
 * topics and originates nothing on a topic before it holds it; replicas killed mid-bootstrap or inside an append
 * restart without torn state, resume, and neither lose an acknowledged publish nor reuse a sequence number.
 */
@ExtendWith(SeedReporter.class)
class BootstrapScenariosTest {

  @Test
  void shouldCatchUpNewReplicaWithoutOriginatingOnTopicsBeforeCaughtUp(TestInfo info) {
    try (Simulation sim = Sims.builder(106, info)
        .replicas(4).faults(FaultProfile.NONE.withDelays(1, 10)).build()) {
      List<SimReplica> network = sim.replicas().subList(0, 3);
      SimReplica joiner = sim.replica(3);
      network.forEach(SimReplica::start);
      sim.runFor(Duration.ofSeconds(2));
      load(sim, network, 1_000, 10_000);
      SimReplica ref = network.get(0);
      List<String> topics = topicNames(1_000);
      sim.network().stats().reset();
      long startWall = System.nanoTime();
      long start = sim.scheduler().nowMs();
      joiner.start();
      Set<String> touched = new HashSet<>();
      int refused = 0;
      int checkedCaughtUp = 0;
      int checkedBehind = 0;
      while (!joiner.replicator().bootstrapped() && sim.scheduler().nowMs() - start < 300_000) {
        sim.runFor(Duration.ofMillis(20));
        for (int i = 0; i < 20; i++) {
          String t = topics.get(sim.random().nextInt(topics.size()));
          boolean complete = Sims.heads(joiner, t).equals(Sims.heads(ref, t));
          if (joiner.replicator().isCaughtUp(TopicKey.of(t)) && !touched.contains(t)) {
            assertThat(complete).as("%s: %s reported caught up on %s before holding it", sim.replay(), joiner, t)
                .isTrue();
            checkedCaughtUp++;
          } else if (!complete) {
            checkedBehind++;
          }
        }
        String t = topics.get(sim.random().nextInt(topics.size()));
        boolean complete = Sims.heads(joiner, t).equals(Sims.heads(ref, t));
        SimReplica.PublishResult r = joiner.publish(t, Sims.bytes("from the joiner " + sim.scheduler().nowMs()));
        if (r == SimReplica.PublishResult.ACKED) {
          assertThat(complete || touched.contains(t)).as("%s originated on %s before holding it", joiner, t).isTrue();
          touched.add(t);
        } else {
          assertThat(r).isEqualTo(SimReplica.PublishResult.NOT_CAUGHT_UP);
          refused++;
        }
      }
      long virtualMs = sim.scheduler().nowMs() - start;
      long wallMs = (System.nanoTime() - startWall) / 1_000_000;
      System.out.printf("join: 10000 events / 1000 topics in %d ms virtual, %d ms wall; %d publishes refused, "
          + "%d accepted; %s%n", virtualMs, wallMs, refused, touched.size(), sim.network().stats());
      assertThat(joiner.replicator().bootstrapped()).isTrue();
      assertThat(sim.network().stats().calls(CallType.TOPIC_RANGE, joiner.key(), null)).as("streamed").isPositive();
      assertThat(refused).as("publishes refused while catching up").isPositive();
      assertThat(checkedBehind).as("topics seen behind during the join").isPositive();
      assertThat(checkedCaughtUp).isPositive();
      sim.quiesce();
      assertThat(joiner.store().stats().events()).isEqualTo(ref.store().stats().events());
      ConvergenceOracle.assertConverged(sim);
    }
  }

  @Test
  void shouldNotTearStateWhenReplicaCrashesMidBootstrapOrMidInsert(TestInfo info) {
    try (Simulation sim = Sims.builder(105, info)
        .replicas(4).faults(FaultProfile.NONE.withDelays(1, 10)).build()) {
      List<SimReplica> network = sim.replicas().subList(0, 3);
      SimReplica joiner = sim.replica(3);
      network.forEach(SimReplica::start);
      sim.runFor(Duration.ofSeconds(2));
      load(sim, network, 300, 3_000);
      long total = network.get(0).store().stats().events();

      // killed mid-bootstrap, between two tasks
      joiner.start();
      sim.scheduler().runUntil(() -> joiner.store().stats().events() > total / 3, sim.scheduler().nowMs() + 60_000);
      assertThat(joiner.replicator().bootstrapped()).isFalse();
      joiner.crash();
      joiner.start();
      assertNotTorn(sim, joiner);
      Set<TopicKey> heldAtCrash = new HashSet<>();
      for (String t : topicNames(300)) {
        if (!Sims.heads(joiner, t).isEmpty() && Sims.heads(joiner, t).equals(Sims.heads(network.get(0), t))) {
          heldAtCrash.add(TopicKey.of(t));
        }
      }
      assertThat(heldAtCrash).as("topics complete at the crash").isNotEmpty();
      List<Object> streamedAgain = new ArrayList<>();
      sim.network().stats().observe(c -> {
        if (c.type() == CallType.TOPIC_RANGE && c.from().equals(joiner.key()) && heldAtCrash.contains(c.subject())) {
          streamedAgain.add(c.subject());
        }
      });
      sim.scheduler().runUntil(() -> joiner.replicator().bootstrapped(), sim.scheduler().nowMs() + 120_000);
      assertThat(joiner.replicator().bootstrapped()).isTrue();
      assertThat(streamedAgain).as("the resumed bootstrap skips topics it already held").isEmpty();

      // killed inside an append: before its commit, then after it (stored, never acknowledged)
      SimReplica writer = network.get(1);
      String topic = "/xmtp/0/m-crash/proto";
      writer.crashInAppend(1, false);
      assertThat(writer.publish(topic, Sims.bytes("lost with the process"))).isEqualTo(SimReplica.PublishResult.FAILED);
      assertThat(writer.isUp()).isFalse();
      writer.start();
      assertNotTorn(sim, writer);
      assertThat(Sims.read(writer, topic)).isEmpty();
      sim.runFor(Duration.ofSeconds(1)); // its start-up vector check: publishes are refused until it is done
      writer.crashInAppend(1, true);
      assertThat(writer.publish(topic, Sims.bytes("stored, not acknowledged")))
          .isEqualTo(SimReplica.PublishResult.FAILED);
      writer.start();
      assertNotTorn(sim, writer);
      assertThat(Sims.read(writer, topic)).extracting(e -> new String(e.message()))
          .containsExactly("stored, not acknowledged");
      sim.runFor(Duration.ofSeconds(1));
      assertThat(writer.publish(topic, Sims.bytes("after the restart"))).isEqualTo(SimReplica.PublishResult.ACKED);

      // kill -9 at random times under traffic, each replica in turn
      new Workload(List.of(topic, "/xmtp/0/m-crash-2/proto"), topic, 60, 0, 0, 60_000, 64).schedule(sim);
      for (int k = 0; k < 6; k++) {
        SimReplica victim = sim.replica(sim.random().nextInt(4));
        sim.runFor(Duration.ofMillis(1_000 + sim.random().nextLong(9_000)));
        if (sim.random().nextBoolean()) {
          victim.crashInAppend(1 + sim.random().nextInt(3), sim.random().nextBoolean());
          sim.runFor(Duration.ofSeconds(5));
          victim.disarm();
        } else {
          victim.crash();
        }
        if (!victim.isUp()) {
          victim.start();
        }
        assertNotTorn(sim, victim);
      }
      sim.runFor(Duration.ofSeconds(30));
      sim.quiesce();
      ConvergenceOracle.assertConverged(sim); // includes every acknowledged publish on every replica
      for (SimReplica r : sim.replicas()) {
        assertThat(r.store().evidence(10)).as("%s: no origin reused a sequence number after a crash", r.name())
            .isEmpty();
      }
      assertThat(Sims.read(network.get(0), topic)).extracting(e -> new String(e.message()))
          .contains("stored, not acknowledged", "after the restart").doesNotContain("lost with the process");
    }
  }

  /**
   * Issue 13, finding 6: a peer claims a large vector, then lists topics without end (fresh keys that never pass
   * {@code after}, or fresh ascending keys it serves nothing of). The joiner must stop using it, finish its
   * bootstrap from the honest peer, take publishes and hold every honest event.
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(value = MaliciousPeer.Answer.class, names = {"ENDLESS_LISTING", "UNBACKED_LISTING"})
  void shouldFinishBootstrappingFromHonestPeersWhenAPeerListsTopicsWithoutEnd(MaliciousPeer.Answer lie,
      TestInfo info) {
    try (Simulation sim = Sims.builder(107, info).replicas(2).extraMembers(1)
        .options(ReplicatorOptions.DEFAULTS.withMaxBootstrapTopics(20_000))
        .faults(FaultProfile.NONE.withDelays(1, 10)).build()) {
      SimReplica honest = sim.replica(0);
      SimReplica joiner = sim.replica(1);
      MaliciousPeer liar = MaliciousPeer.join(sim, 0);
      liar.answer(lie);
      honest.start();
      sim.runFor(Duration.ofSeconds(2));
      load(sim, List.of(honest), 200, 2_000);
      long start = sim.scheduler().nowMs();
      joiner.start();
      sim.scheduler().runUntil(() -> joiner.replicator().bootstrapped(), start + 600_000);
      assertThat(joiner.replicator().bootstrapped()).as("%s: bootstrapped within 10 min of virtual time, despite "
          + "%s", sim.replay(), lie).isTrue();
      System.out.printf("bootstrap beside a %s peer: %d ms virtual%n", lie, sim.scheduler().nowMs() - start);
      assertThat(joiner.publish(topicNames(200).get(7), Sims.bytes("after the liar"))).isEqualTo(
          SimReplica.PublishResult.ACKED);
      sim.runFor(Duration.ofSeconds(60));
      assertThat(joiner.store().stats().events()).as("every honest event").isGreaterThanOrEqualTo(
          honest.store().stats().events());
      long listings = sim.network().stats().calls(CallType.TOPICS, joiner.key(), liar.key());
      assertThat(listings).as("topic pages asked of the liar: bounded by the plan of 20,000 topics (1,000 a page)")
          .isBetween(1L, 21L);
    }
  }

  private static void assertNotTorn(Simulation sim, SimReplica r) {
    String violation = ReplicaState.read(r.store(), new CachingVerifier(10_000)).violation();
    assertThat(violation).as("%s: %s after restart", sim.replay(), r.name()).isNull();
  }

  static List<String> topicNames(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add("/xmtp/0/m-load-" + i + "/proto");
    }
    return out;
  }

  /** {@code events} envelopes over {@code topics} topics, in batches of 100 from the writers in turn; synced. */
  static void load(Simulation sim, List<SimReplica> writers, int topics, int events) {
    List<String> names = topicNames(topics);
    for (int batch = 0; batch * 100 < events; batch++) {
      List<ClientEnvelope> envelopes = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        int n = batch * 100 + i;
        envelopes.add(new ClientEnvelope(names.get(n % topics), sim.scheduler().nowMs() * 1_000_000L + i,
            Sims.bytes("load " + n)));
      }
      assertThat(writers.get(batch % writers.size()).publishAll(envelopes)).isEqualTo(SimReplica.PublishResult.ACKED);
      sim.runFor(Duration.ofMillis(20));
    }
    boolean synced = sim.scheduler().runUntilQuiet(sim.scheduler().nowMs() + 300_000, 500,
        () -> sim.quiet() && Sims.converged(writers));
    assertThat(synced).as("%s: load replicated", sim.replay()).isTrue();
  }
}
