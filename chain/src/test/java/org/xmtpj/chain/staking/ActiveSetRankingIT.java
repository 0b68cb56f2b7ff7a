package org.xmtpj.chain.staking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.xmtpj.chain.token.TokenClient.tokens;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xmtpj.chain.local.LocalChain;

/**
 * The active set is the top N by stake (here N = 2), follows delegations and departures from one epoch to the
 * next, and stays in force across epochs that nobody snapshotted. One scenario, in order, on its own chain.
 */
class ActiveSetRankingIT {
  static Network net;

  @BeforeAll
  static void start() {
    net = new Network(LocalChain.builder().deployParameter("maxActiveNodes", 2).start());
  }

  @AfterAll
  static void stop() {
    net.close();
  }

  @Test
  void theTopTwoByStakeAreActiveAndTheSetFollowsStakeChangesAtTheNextEpoch() {
    long a = net.startNode(1, 30_000, 0);
    long b = net.startNode(2, 20_000, 0);
    long c = net.startNode(3, 10_000, 0);

    ActiveSet first = net.nextEpoch();
    assertThat(first.nodeIds()).containsExactly(a, b);
    assertThat(first.totalStake()).isEqualTo(tokens(50_000));
    assertThat(StakingClient.connect(net.session).candidates()).containsExactlyInAnyOrder(a, b, c);

    // a delegation lifts c above everyone; the set in force changes only at the next snapshot
    net.fund(4, 25_000);
    net.staking(4).delegate(c, tokens(25_000));
    assertThat(StakingClient.connect(net.session).currentActiveSet().orElseThrow().nodeIds()).containsExactly(a, b);
    ActiveSet second = net.nextEpoch();
    assertThat(second.nodeIds()).containsExactly(c, a);

    // a's operator leaves completely: a is no longer a candidate, b takes its place
    net.staking(1).undelegate(a, tokens(30_000));
    assertThat(StakingClient.connect(net.session).candidates()).doesNotContain(a);
    ActiveSet third = net.nextEpoch();
    assertThat(third.nodeIds()).containsExactly(c, b);
  }

  @Test
  void epochsThatNobodySnapshotsKeepThePreviousSet() {
    ActiveSet taken = net.nextEpoch();

    net.chain.increaseTime(Duration.ofSeconds(3 * net.chain.deployment().epochLength()));

    StakingClient reader = StakingClient.connect(net.session);
    long now = reader.currentEpoch();
    ActiveSet inForce = reader.activeSet(now).orElseThrow();
    assertThat(now).isGreaterThanOrEqualTo(taken.epoch() + 3);
    assertThat(inForce.snapshotEpoch()).isEqualTo(taken.epoch());
    assertThat(inForce.nodes()).isEqualTo(taken.nodes());
    // every snapshot here follows a clock move, so epoch 0 never had one
    assertThat(reader.activeSet(0)).isEmpty();
  }
}
