package org.xmtpj.testing.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/** One attack of a {@link LyingPeer} per test, each seen failing before the node fix it names. */
@ExtendWith(SeedReporter.class)
class LyingPeerScenariosTest {
  private static final String T = "/xmtp/0/m-lie-1/proto";

  /**
   * A node behind pulls an origin range from a liar that adds a garbage event at the end of every page. The pull
   * took the next cursor from that last event: the decode threw on the replication thread, and the origin stayed
   * marked as being pulled, so no other peer was ever asked for it. Now the page is refused, the liar penalized,
   * and the origin comes from an honest peer once one is reachable.
   */
  @Test
  void shouldDropPeerWhoseRangePageEndsInGarbage(TestInfo info) {
    try (Simulation sim = Sims.builder(131, info).replicas(3).extraMembers(1)
        .antiEntropyInterval(Duration.ofSeconds(5)).build().start()) {
      LyingPeer liar = LyingPeer.join(sim, 0).lies(EnumSet.of(LyingPeer.Lie.RANGE_GARBAGE_LAST));
      SimReplica a = sim.replica(0);
      SimReplica c = sim.replica(2);
      publishWhileOnlyTheLiarReaches(sim, a, c);
      assertThat(liar.liesTold()).as("lies told").isPositive();
      assertThat(sim.scheduler().errors()).as("replication tasks that threw").isEmpty();
      assertThat(c.metrics().rejected("bad_range_page")).as("pages refused").isPositive();
      healAndAssertConverged(sim, a, c);
    }
  }

  /**
   * With retention on, a node behind pulls from a liar that answers every origin range with nothing and a floor a
   * million sequences ahead. Believed, that floor made the node declare every missing sequence pruned: its vector
   * jumped past events it never saw, and it told its peers so. Now a floor counts only as far as a second peer
   * declares it (FloorVotes), so the node's floor stays at 0 and the events come from honest peers later.
   */
  @Test
  void shouldNotBelieveOnePeersRetentionFloor(TestInfo info) {
    try (Simulation sim = Sims.builder(132, info).replicas(3).extraMembers(1).retention(Duration.ofHours(1))
        .antiEntropyInterval(Duration.ofSeconds(5)).build().start()) {
      LyingPeer liar = LyingPeer.join(sim, 0).lies(EnumSet.of(LyingPeer.Lie.RANGE_FLOOR_TOO_HIGH));
      SimReplica a = sim.replica(0);
      SimReplica c = sim.replica(2);
      publishWhileOnlyTheLiarReaches(sim, a, c);
      assertThat(liar.liesTold()).as("lies told").isPositive();
      assertThat(c.store().floor(a.key())).as("c's floor for a's origin (a pruned nothing)").isZero();
      healAndAssertConverged(sim, a, c);
    }
  }

  /** c misses 40 publishes of a, then restarts able to reach only the liar, for 40 s. */
  private static void publishWhileOnlyTheLiarReaches(Simulation sim, SimReplica a, SimReplica c) {
    sim.runFor(Duration.ofSeconds(3));
    c.crash();
    for (int i = 0; i < 40; i++) {
      assertThat(a.publish(T, Sims.bytes("m" + i))).isEqualTo(SimReplica.PublishResult.ACKED);
    }
    sim.runFor(Duration.ofSeconds(2));
    sim.network().cut(c.key(), a.key());
    sim.network().cut(c.key(), sim.replica(1).key());
    c.start();
    sim.runFor(Duration.ofSeconds(40));
  }

  /** c reaches the honest replicas again and, once quiet, holds all 40 like everyone. */
  private static void healAndAssertConverged(Simulation sim, SimReplica a, SimReplica c) {
    sim.network().restore(c.key(), a.key());
    sim.network().restore(c.key(), sim.replica(1).key());
    sim.quiesce();
    ConvergenceOracle.assertConverged(sim);
    assertThat(Sims.read(c, T)).hasSize(40);
  }
}
