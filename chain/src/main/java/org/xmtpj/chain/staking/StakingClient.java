package org.xmtpj.chain.staking;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import org.xmtpj.chain.ChainSession;
import org.xmtpj.chain.TxReceipt;

/**
 * Staking: self-stake, delegation, unbonding, epochs and the active set, rewards. Writes are sent from the
 * session's signer; a rejected one raises {@link org.xmtpj.chain.ContractRevertException} with the contract's
 * error name ({@code InsufficientStake}, {@code UnbondingNotMatured}, {@code NothingToClaim},
 * {@code EpochAlreadySnapshotted}, …).
 */
public interface StakingClient {

  static StakingClient connect(ChainSession session) {
    return new Web3jStakingClient(session);
  }

  /**
   * Bonds {@code amount} of the signer's tokens to a node (self-stake when the signer is its operator). Approves
   * Staking for the amount first when the current allowance is smaller, so callers need not.
   */
  TxReceipt delegate(long nodeId, BigInteger amount);

  /** Starts unbonding {@code amount} of the signer's stake in the node; returns the unbonding id. */
  long undelegate(long nodeId, BigInteger amount);

  /** Pays out a matured unbonding entry to the signer; returns the amount paid. */
  BigInteger withdraw(long unbondingId);

  /** Mints the signer's rewards from the node; returns the amount. */
  BigInteger claimRewards(long nodeId);

  /** Mints the operator's commission from the node; returns the amount. */
  BigInteger claimCommission(long nodeId);

  /**
   * Credits the rewards of the period that ended and snapshots the current epoch's active set (anyone may call it
   * once per epoch). Returns the new set.
   */
  ActiveSet advanceEpoch();

  long currentEpoch();

  /** The set in force for {@code epoch}; empty when no snapshot was taken at or before it. */
  Optional<ActiveSet> activeSet(long epoch);

  /** The set in force now. */
  Optional<ActiveSet> currentActiveSet();

  /** The value of a delegator's bonded stake in a node (the operator's is the self-stake). */
  BigInteger stakeOf(String delegator, long nodeId);

  BigInteger selfStakeOf(long nodeId);

  /** A node's total bonded stake: self-stake plus delegations. */
  BigInteger totalStakeOf(long nodeId);

  /** Rewards the delegator could claim from the node now. */
  BigInteger pendingRewards(String delegator, long nodeId);

  /** An unbonding entry; empty once withdrawn or never created. */
  Optional<Unbonding> unbonding(long unbondingId);

  /** Nodes eligible for the active set, in the contract's list order. */
  List<Long> candidates();

  /** Genesis, epoch length and unbonding period (read once; they are immutable). */
  StakingSchedule schedule();
}
