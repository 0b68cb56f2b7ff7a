package org.xmtpj.chain.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xmtpj.chain.ChainSession;
import org.xmtpj.chain.events.ChainEvent;
import org.xmtpj.chain.events.ChainEvent.SignersRewarded;
import org.xmtpj.chain.events.ChainEvents;
import org.xmtpj.chain.local.LocalChain;
import org.xmtpj.chain.staking.StakingClient;

/**
 * A deployment with {@code gateRewardsByCheckpoints}: a finalized epoch pays its signers, and only them, once its
 * signature window has closed.
 */
class GatedRewardsIT {

  @Test
  void aFinalizedCheckpointPaysTheSignersOnlyAndItsRewardEventIsDecoded() {
    try (LocalChain chain = LocalChain.builder().deployParameter("gateRewardsByCheckpoints", true).start();
        ChainSession session = chain.connect()) {
      long[] nodes = CheckpointsClientIT.startFourNodes(chain, session);
      StakingClient staking = StakingClient.connect(session);
      CheckpointsClient reader = CheckpointsClient.connect(session);
      assertThat(reader.lastFinalizedEpoch()).isEmpty();
      chain.increaseTime(Duration.ofSeconds(chain.deployment().epochLength()));
      long epoch = staking.currentEpoch() - 1;
      CheckpointTypedData typed = CheckpointTypedData.of(chain.deployment());
      byte[] cut = CheckpointsClientIT.hash(1);
      byte[] root = CheckpointsClientIT.hash(2);
      List<SignedCheckpoint> signatures = List.of(typed.sign(chain.accounts().get(1), nodes[0], epoch, cut, root),
          typed.sign(chain.accounts().get(2), nodes[1], epoch, cut, root),
          typed.sign(chain.accounts().get(3), nodes[2], epoch, cut, root));
      long from = session.blockNumber() + 1;

      CheckpointsClient submitter = CheckpointsClient.connect(session.withSigner(chain.accounts().get(9)));
      submitter.submit(epoch, cut, root, signatures);
      assertThat(reader.lastFinalizedEpoch()).hasValue(epoch);
      // 3 of 4 signed: node 4 could still add its signature, so nobody is paid before the window closes
      assertThat(staking.pendingRewards(chain.accounts().get(1).address(), nodes[0])).isZero();
      long wait = reader.signatureDeadline(epoch) - session.latestBlockTimestamp();
      if (wait > 0) {
        chain.increaseTime(Duration.ofSeconds(wait));
      }
      assertThat(submitter.settle(epoch)).isTrue();

      for (int i = 0; i < 3; i++) {
        assertThat(staking.pendingRewards(chain.accounts().get(i + 1).address(), nodes[i])).isPositive();
      }
      assertThat(staking.pendingRewards(chain.accounts().get(4).address(), nodes[3])).isZero();
      List<SignersRewarded> rewarded = ChainEvents.connect(session).fetch(from, session.blockNumber()).stream()
          .filter(SignersRewarded.class::isInstance).map(SignersRewarded.class::cast).toList();
      assertThat(rewarded).singleElement().satisfies(r -> {
        assertThat(r.epoch()).isEqualTo(epoch);
        assertThat(r.signers()).isEqualTo(3);
        assertThat(r.amount()).isPositive();
      });
      List<ChainEvent> deployment =
          ChainEvents.connect(session).fetch(chain.deployment().deployBlock(), from - 1);
      assertThat(deployment).filteredOn(ChainEvent.CheckpointsBound.class::isInstance).singleElement()
          .extracting(e -> ((ChainEvent.CheckpointsBound) e).checkpoints())
          .isEqualTo(chain.deployment().checkpointsAddress().orElseThrow());
    }
  }
}
