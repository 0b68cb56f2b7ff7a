package org.xmtpj.chain.staking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.xmtpj.chain.token.TokenClient.tokens;

import java.math.BigInteger;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xmtpj.chain.ContractRevertException;
import org.xmtpj.chain.local.LocalChain;

/**
 * Staking through the adapter on a real chain (epochs of 60 s, unbonding 120 s, min self-stake 10,000 tokens).
 * Each test uses its own accounts, so tests do not depend on each other's order.
 */
class StakingClientIT {
  static Network net;

  @BeforeAll
  static void start() {
    net = new Network(LocalChain.start());
  }

  @AfterAll
  static void stop() {
    net.close();
  }

  @Test
  void selfStakeAndADelegationPutTheNodeInTheNextActiveSet() {
    long id = net.startNode(1, 10_000, 500);
    net.fund(2, 5_000);

    net.staking(2).delegate(id, tokens(5_000));

    StakingClient reader = StakingClient.connect(net.session);
    assertThat(reader.selfStakeOf(id)).isEqualTo(tokens(10_000));
    assertThat(reader.stakeOf(net.address(2), id)).isEqualTo(tokens(5_000));
    assertThat(reader.totalStakeOf(id)).isEqualTo(tokens(15_000));
    assertThat(reader.candidates()).contains(id);

    ActiveSet set = net.nextEpoch();

    assertThat(set.nodes()).contains(new ActiveNode(id, tokens(15_000)));
    assertThat(reader.currentActiveSet()).contains(set);
    assertThat(reader.currentEpoch()).isEqualTo(set.epoch());
    StakingSchedule schedule = reader.schedule();
    assertThat(schedule.epochAt(net.session.latestBlockTimestamp())).isEqualTo(set.epoch());
  }

  @Test
  void rewardsAccrueToADelegatorOverAnEpochAndClaimingPaysThemOut() {
    long id = net.startNode(3, 10_000, 1_000);
    net.fund(4, 10_000);
    net.staking(4).delegate(id, tokens(10_000));
    net.nextEpoch(); // the delegation starts earning with this snapshot's period
    StakingClient reader = StakingClient.connect(net.session);
    assertThat(reader.pendingRewards(net.address(4), id)).isZero();

    net.nextEpoch(); // credits that period's inflation

    BigInteger pending = reader.pendingRewards(net.address(4), id);
    assertThat(pending).isPositive();
    BigInteger before = net.token().balanceOf(net.address(4));
    BigInteger claimed = net.staking(4).claimRewards(id);
    assertThat(claimed).isEqualTo(pending);
    assertThat(net.token().balanceOf(net.address(4))).isEqualTo(before.add(claimed));
    assertThat(net.staking(3).claimCommission(id)).isPositive();
    assertThatThrownBy(() -> net.staking(4).claimRewards(id))
        .isInstanceOfSatisfying(ContractRevertException.class,
            e -> assertThat(e.errorName()).isEqualTo("NothingToClaim"));
  }

  @Test
  void undelegatedStakeIsWithdrawableOnlyAfterTheUnbondingPeriod() {
    long id = net.startNode(5, 10_000, 0);
    net.fund(6, 3_000);
    net.staking(6).delegate(id, tokens(3_000));

    long unbondingId = net.staking(6).undelegate(id, tokens(1_000));

    StakingClient reader = StakingClient.connect(net.session);
    Unbonding entry = reader.unbonding(unbondingId).orElseThrow();
    assertThat(entry.owner()).isEqualTo(net.address(6));
    assertThat(entry.amount()).isEqualTo(tokens(1_000));
    assertThat(entry.releaseTime()).isGreaterThan(net.session.latestBlockTimestamp());
    assertThat(reader.stakeOf(net.address(6), id)).isEqualTo(tokens(2_000));
    assertThatThrownBy(() -> net.staking(6).withdraw(unbondingId))
        .isInstanceOfSatisfying(ContractRevertException.class,
            e -> assertThat(e.errorName()).isEqualTo("UnbondingNotMatured"));

    net.chain.increaseTime(Duration.ofSeconds(121));
    BigInteger before = net.token().balanceOf(net.address(6));

    assertThat(net.staking(6).withdraw(unbondingId)).isEqualTo(tokens(1_000));
    assertThat(net.token().balanceOf(net.address(6))).isEqualTo(before.add(tokens(1_000)));
    assertThat(reader.unbonding(unbondingId)).isEmpty();
  }

  @Test
  void advancingTwiceInOneEpochIsRejectedWithEpochAlreadySnapshotted() {
    ActiveSet set = net.nextEpoch();

    assertThatThrownBy(() -> net.staking(7).advanceEpoch())
        .isInstanceOfSatisfying(ContractRevertException.class, e -> {
          assertThat(e.errorName()).isEqualTo("EpochAlreadySnapshotted");
          assertThat(e.arguments()).containsExactly(BigInteger.valueOf(set.epoch()));
        });
  }

  @Test
  void undelegatingMoreThanTheStakeIsRejectedWithInsufficientStake() {
    long id = net.startNode(8, 10_000, 0);

    assertThatThrownBy(() -> net.staking(8).undelegate(id, tokens(10_001)))
        .isInstanceOfSatisfying(ContractRevertException.class, e -> {
          assertThat(e.errorName()).isEqualTo("InsufficientStake");
          assertThat(e.arguments()).containsExactly(tokens(10_001), tokens(10_000));
        });
  }

  @Test
  void delegatingToAnUnknownNodeIsRejectedWithNodeNotRegistered() {
    net.fund(9, 1);

    assertThatThrownBy(() -> net.staking(9).delegate(999, tokens(1)))
        .isInstanceOfSatisfying(ContractRevertException.class,
            e -> assertThat(e.errorName()).isEqualTo("NodeNotRegistered"));
  }
}
