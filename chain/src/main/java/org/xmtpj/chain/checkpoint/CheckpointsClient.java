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
}
