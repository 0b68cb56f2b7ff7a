package org.xmtpj.chain.events;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.xmtpj.chain.identity.IdentityConfig;
import org.xmtpj.chain.staking.ActiveNode;

/**
 * A decoded registry event. Only the events an indexer of membership, identities and checkpoints needs are modelled;
 * governance and role events are skipped by {@link ChainEvents}. Amounts are in token base units, times in unix
 * seconds, addresses EIP-55.
 */
public sealed interface ChainEvent {

  EventSource source();

  // ---------------------------------------------------------------- NodeRegistry

  record NodeRegistered(EventSource source, long nodeId, String operator, byte[] nodeKey, String endpoint,
      int commissionBps) implements ChainEvent {
    public NodeRegistered {
      nodeKey = nodeKey.clone();
    }

    @Override
    public byte[] nodeKey() {
      return nodeKey.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof NodeRegistered e && source.equals(e.source) && nodeId == e.nodeId
          && operator.equals(e.operator) && Arrays.equals(nodeKey, e.nodeKey) && endpoint.equals(e.endpoint)
          && commissionBps == e.commissionBps;
    }

    @Override
    public int hashCode() {
      return Objects.hash(source, nodeId, operator, Arrays.hashCode(nodeKey), endpoint, commissionBps);
    }

    @Override
    public String toString() {
      return "NodeRegistered[nodeId=" + nodeId + ", operator=" + operator + ", nodeKey="
          + HexFormat.of().formatHex(nodeKey) + ", endpoint=" + endpoint + ", commissionBps=" + commissionBps
          + ", block=" + source.blockNumber() + "]";
    }
  }

  /** The endpoint or the commission in force changed; carries the full new state. */
  record NodeUpdated(EventSource source, long nodeId, String endpoint, int commissionBps) implements ChainEvent {}

  /** A commission increase takes effect at {@code effectiveAt}; an indexer applies it then. */
  record CommissionIncreaseScheduled(EventSource source, long nodeId, int commissionBps, long effectiveAt)
      implements ChainEvent {}

  record NodeDeregistered(EventSource source, long nodeId, String operator) implements ChainEvent {}

  // ---------------------------------------------------------------- Staking

  record Delegated(EventSource source, String delegator, long nodeId, BigInteger amount, BigInteger shares)
      implements ChainEvent {}

  record UnbondingStarted(EventSource source, String delegator, long nodeId, long unbondingId, BigInteger amount,
      long releaseTime) implements ChainEvent {}

  record Withdrawn(EventSource source, String delegator, long nodeId, long unbondingId, BigInteger amount)
      implements ChainEvent {}

  record RewardsClaimed(EventSource source, String delegator, long nodeId, BigInteger amount)
      implements ChainEvent {}

  record CommissionClaimed(EventSource source, long nodeId, String operator, BigInteger amount)
      implements ChainEvent {}

  record Slashed(EventSource source, long nodeId, int bps, BigInteger bondedAmount, BigInteger unbondingAmount,
      BigInteger burned, String reporter, BigInteger reporterReward) implements ChainEvent {}

  /** A new active set: the members in rank order and their total stake. */
  record EpochSnapshotted(EventSource source, long epoch, List<ActiveNode> nodes, BigInteger totalStake)
      implements ChainEvent {
    public EpochSnapshotted {
      nodes = List.copyOf(nodes);
    }
  }

  record CandidateAdded(EventSource source, long nodeId) implements ChainEvent {}

  record CandidateRemoved(EventSource source, long nodeId) implements ChainEvent {}

  /** Governance bound the Checkpoints contract: from now on each epoch is paid only to its checkpoint's signers. */
  record CheckpointsBound(EventSource source, String checkpoints) implements ChainEvent {}

  /**
   * Gated mode: {@code epoch}'s inflation was credited to {@code signers} nodes of the snapshot taken at
   * {@code snapshotEpoch} (the signers of its checkpoint), {@code amount} in total.
   */
  record SignersRewarded(EventSource source, long epoch, long snapshotEpoch, int signers, BigInteger amount)
      implements ChainEvent {}

  // ---------------------------------------------------------------- Checkpoints

  /** {@code epoch}'s state root, signed by {@code signers} (ascending ids) holding ≥ 2/3 of its active stake. */
  record CheckpointFinalized(EventSource source, long epoch, byte[] root, byte[] cutHash, List<Long> signers,
      BigInteger signedStake, BigInteger totalStake) implements ChainEvent {
    public CheckpointFinalized {
      root = root.clone();
      cutHash = cutHash.clone();
      signers = List.copyOf(signers);
    }

    @Override
    public byte[] root() {
      return root.clone();
    }

    @Override
    public byte[] cutHash() {
      return cutHash.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof CheckpointFinalized e && source.equals(e.source) && epoch == e.epoch
          && Arrays.equals(root, e.root) && Arrays.equals(cutHash, e.cutHash) && signers.equals(e.signers)
          && signedStake.equals(e.signedStake) && totalStake.equals(e.totalStake);
    }

    @Override
    public int hashCode() {
      return Objects.hash(source, epoch, Arrays.hashCode(root), Arrays.hashCode(cutHash), signers, signedStake,
          totalStake);
    }

    @Override
    public String toString() {
      return "CheckpointFinalized[epoch=" + epoch + ", root=" + HexFormat.of().formatHex(root) + ", cutHash="
          + HexFormat.of().formatHex(cutHash) + ", signers=" + signers + ", signedStake=" + signedStake
          + ", totalStake=" + totalStake + ", block=" + source.blockNumber() + "]";
    }
  }

  /** Node {@code nodeId} signed two roots for {@code epoch} and was slashed (see the Staking {@link Slashed}). */
  record DoubleSignSlashed(EventSource source, long epoch, long nodeId, String reporter, byte[] rootA, byte[] rootB)
      implements ChainEvent {
    public DoubleSignSlashed {
      rootA = rootA.clone();
      rootB = rootB.clone();
    }

    @Override
    public byte[] rootA() {
      return rootA.clone();
    }

    @Override
    public byte[] rootB() {
      return rootB.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof DoubleSignSlashed e && source.equals(e.source) && epoch == e.epoch && nodeId == e.nodeId
          && reporter.equals(e.reporter) && Arrays.equals(rootA, e.rootA) && Arrays.equals(rootB, e.rootB);
    }

    @Override
    public int hashCode() {
      return Objects.hash(source, epoch, nodeId, reporter, Arrays.hashCode(rootA), Arrays.hashCode(rootB));
    }

    @Override
    public String toString() {
      return "DoubleSignSlashed[epoch=" + epoch + ", nodeId=" + nodeId + ", reporter=" + reporter + ", rootA="
          + HexFormat.of().formatHex(rootA) + ", rootB=" + HexFormat.of().formatHex(rootB) + ", block="
          + source.blockNumber() + "]";
    }
  }

  // ---------------------------------------------------------------- IdentityRegistry

  /** {@code nonce} is the wallet's nonce that the change consumed: a per-wallet sequence number. */
  record IdentityRegistered(EventSource source, String wallet, IdentityConfig config, BigInteger nonce)
      implements ChainEvent {}

  record IdentityUpdated(EventSource source, String wallet, IdentityConfig config, BigInteger nonce)
      implements ChainEvent {}

  record IdentityRevoked(EventSource source, String wallet, String inviteTopic, BigInteger nonce)
      implements ChainEvent {}
}
