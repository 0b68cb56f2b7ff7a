package org.xmtpj.chain.events;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.xmtpj.chain.identity.IdentityConfig;
import org.xmtpj.chain.staking.ActiveNode;

/**
 * A decoded registry event. Only the events an indexer of membership and identities needs are modelled;
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

  // ---------------------------------------------------------------- IdentityRegistry

  /** {@code nonce} is the wallet's nonce that the change consumed: a per-wallet sequence number. */
  record IdentityRegistered(EventSource source, String wallet, IdentityConfig config, BigInteger nonce)
      implements ChainEvent {}

  record IdentityUpdated(EventSource source, String wallet, IdentityConfig config, BigInteger nonce)
      implements ChainEvent {}

  record IdentityRevoked(EventSource source, String wallet, String inviteTopic, BigInteger nonce)
      implements ChainEvent {}
}
