package org.xmtpj.node.chain;

import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmtpj.chain.ChainException;
import org.xmtpj.chain.ContractRevertException;
import org.xmtpj.chain.Deployment;
import org.xmtpj.chain.staking.StakingClient;
import org.xmtpj.dag.OriginKey;

/**
 * Calls Staking's {@code advanceEpoch} when an epoch has begun and nobody has snapshotted it yet: the contract
 * needs someone to, and without it the active set would stop following the stakes. Members take turns by rank
 * (the first member at once, the second {@link #STAGGER} later, …; non-members after all members) so that one
 * transaction usually suffices; a call that loses the race reverts harmlessly and is only logged.
 */
final class EpochKeeper {
  private static final Logger LOG = LoggerFactory.getLogger(EpochKeeper.class);
  static final Duration STAGGER = Duration.ofSeconds(3);
  static final Duration PENDING_RETRY = Duration.ofMillis(500);

  private final StakingClient staking;
  private final Deployment deployment;
  private final OriginKey self;
  private final Clock clock;
  private long nextAttemptMillis;

  EpochKeeper(StakingClient staking, Deployment deployment, OriginKey self, Clock clock) {
    this.staking = staking;
    this.deployment = deployment;
    this.self = self;
    this.clock = clock;
  }

  /**
   * @param chainTime the latest block's timestamp (seconds): with the wall clock, a lower bound of the next
   *     block's time (a local chain's clock may run ahead of the wall clock, never behind)
   */
  void maybeAdvance(RegistryState state, long chainTime) {
    long now = Math.max(chainTime, clock.millis() / 1000);
    if (now < deployment.genesisTime()) {
      return;
    }
    long due = (now - deployment.genesisTime()) / deployment.epochLength();
    if (due <= state.activeEpoch() || clock.millis() < nextAttemptMillis) {
      return;
    }
    long epochStart = deployment.genesisTime() + due * deployment.epochLength();
    long myTurn = epochStart + rank(state) * STAGGER.toSeconds();
    if (now < myTurn) {
      return;
    }
    // whatever happens, the next try waits a turn: after a success the indexer sees the snapshot by then
    nextAttemptMillis = clock.millis() + STAGGER.toMillis();
    try {
      var set = staking.advanceEpoch();
      LOG.info("advanced to epoch {}: active set {}", set.epoch(), set.nodeIds());
    } catch (ContractRevertException e) {
      if ("CheckpointPending".equals(e.errorName())) {
        // rewards gated by checkpoints: the contract holds the snapshot back (at most half an epoch) until the
        // previous epoch's checkpoint has paid its signers; look again soon rather than a whole turn later
        nextAttemptMillis = clock.millis() + PENDING_RETRY.toMillis();
      }
      LOG.debug("advanceEpoch for epoch {} not done: {}", due, e.getMessage());
    } catch (ChainException e) {
      LOG.warn("advanceEpoch for epoch {} failed: {}", due, e.getMessage());
    }
  }

  private int rank(RegistryState state) {
    var active = state.activeNodes();
    for (int i = 0; i < active.size(); i++) {
      if (active.get(i).key().equals(self)) {
        return i;
      }
    }
    return active.size();
  }
}
