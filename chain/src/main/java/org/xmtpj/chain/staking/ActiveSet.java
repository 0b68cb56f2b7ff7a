package org.xmtpj.chain.staking;

import java.math.BigInteger;
import java.util.List;
import java.util.Objects;

/**
 * The nodes in force for an epoch: the top N by stake, ordered by stake descending, ties by lower id.
 *
 * @param epoch the epoch asked about
 * @param snapshotEpoch the epoch at which this snapshot was taken (≤ epoch: skipped epochs keep the previous set)
 * @param nodes the members in rank order
 * @param totalStake the sum of their stakes (the weight that consensus thresholds are computed against)
 */
public record ActiveSet(long epoch, long snapshotEpoch, List<ActiveNode> nodes, BigInteger totalStake) {
  public ActiveSet {
    nodes = List.copyOf(nodes);
    Objects.requireNonNull(totalStake, "totalStake");
  }

  /** The member ids in rank order. */
  public List<Long> nodeIds() {
    return nodes.stream().map(ActiveNode::nodeId).toList();
  }

  public boolean contains(long nodeId) {
    return nodes.stream().anyMatch(n -> n.nodeId() == nodeId);
  }
}
