package org.xmtpj.chain.checkpoint;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.xmtpj.chain.ChainSession;

/**
 * The Checkpoints contract: per-epoch state roots signed by at least 2/3 of the epoch's active stake, and slashing
 * of nodes that sign two roots for one epoch. Writes are sent from the session's signer (anyone may submit); a
 * refusal raises {@link org.xmtpj.chain.ContractRevertException} named after the contract's error
 * ({@code QuorumNotReached}, {@code AlreadyFinalized}, {@code EpochNotOver}, {@code NotInActiveSet},
 * {@code BadSignature}, {@code AlreadySlashed}, …).
 */
public interface CheckpointsClient {

  /** The deployment's Checkpoints contract; fails with IllegalArgumentException if the deployment has none. */
  static CheckpointsClient connect(ChainSession session) {
    return new Web3jCheckpointsClient(session);
  }

  /**
   * Finalizes {@code epoch} with {@code root}: sends the signatures sorted by node id (as the contract requires,
   * whatever order they come in). Each must be for this (epoch, cutHash, root), one per node, else
   * IllegalArgumentException before anything is sent. Returns the checkpoint as the contract recorded it.
   */
  FinalizedCheckpoint submit(long epoch, byte[] cutHash, byte[] root, List<SignedCheckpoint> signatures);

  /**
   * Reports a double signature: two checkpoints signed by one node for one epoch with different roots. The node is
   * slashed and the signer of this session receives Staking's reporter share. Returns the amount slashed (bonded
   * and unbonding stake together). IllegalArgumentException if the two are not such a pair.
   */
  BigInteger submitEvidence(SignedCheckpoint first, SignedCheckpoint second);

  /** The finalized checkpoint of {@code epoch}, or empty. */
  Optional<FinalizedCheckpoint> checkpoint(long epoch);

  /** The highest finalized epoch (epochs may be finalized in any order), or empty when none is. */
  OptionalLong lastFinalizedEpoch();

  /** Whether the node was already slashed for double signing in {@code epoch}. */
  boolean isSlashed(long epoch, long nodeId);

  /** The digest to sign, as the contract computes it ({@link CheckpointTypedData#digest} computes the same). */
  byte[] digest(long epoch, byte[] cutHash, byte[] root);

  /** Basis points of a node's stake slashed per double signature. */
  int slashBps();

  /**
   * Adds signatures of {@code epoch}'s finalized checkpoint (same cut hash and root) by nodes not recorded yet, so
   * that they are paid too. Sorted by node id before sending; ids the contract already has are skipped by it (but
   * at least one must be new: {@code NothingToAdd}). Only until {@link #signatureDeadline} ({@code
   * SignatureWindowClosed}). Returns the node ids this call added.
   */
  List<Long> addSignatures(long epoch, List<SignedCheckpoint> signatures);

  /**
   * Pays {@code epoch}'s recorded signers (rewards gated by checkpoints) once its signature window has closed;
   * Staking's {@code advanceEpoch} does it too. Returns whether this call paid (false: nothing to do).
   */
  boolean settle(long epoch);

  /** First second (chain time) at which {@code epoch}'s checkpoint takes no more signatures and its reward is paid. */
  long signatureDeadline(long epoch);

  /**
   * First second (chain time) at which {@code epoch} can no longer be finalized; a checkpoint on chain was always
   * finalized before it. Fails with {@code NoActiveSet} when no snapshot is in force for the epoch.
   */
  long finalizationDeadline(long epoch);

  /** Block time at which {@code epoch} was finalized, or empty when it is not. */
  OptionalLong finalizedAt(long epoch);
}
