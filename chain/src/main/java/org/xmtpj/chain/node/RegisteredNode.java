package org.xmtpj.chain.node;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A node as NodeRegistry stores it.
 *
 * @param id the node id (1, 2, 3, … in registration order)
 * @param operator the operator's address: registers, updates and self-stakes; signs checkpoints later
 * @param nodeKey the node's 32-byte Ed25519 public key, which peers authenticate it by
 * @param endpoint the node's public endpoint
 * @param commissionBps the commission in force, in basis points
 * @param pendingCommissionBps a scheduled increase not yet in force, or 0
 * @param pendingCommissionAt when that increase takes effect (unix seconds), or 0
 * @param registered false once the operator deregistered it (the id is never reused)
 * @param registeredAt the registration block's timestamp (unix seconds)
 */
public record RegisteredNode(
    long id,
    String operator,
    byte[] nodeKey,
    String endpoint,
    int commissionBps,
    int pendingCommissionBps,
    long pendingCommissionAt,
    boolean registered,
    long registeredAt) {

  public static final int NODE_KEY_LENGTH = 32;

  public RegisteredNode {
    Objects.requireNonNull(operator, "operator");
    Objects.requireNonNull(endpoint, "endpoint");
    if (nodeKey == null || nodeKey.length != NODE_KEY_LENGTH) {
      throw new IllegalArgumentException("node key must be 32 bytes");
    }
    nodeKey = nodeKey.clone();
  }

  @Override
  public byte[] nodeKey() {
    return nodeKey.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RegisteredNode n && id == n.id && operator.equals(n.operator)
        && Arrays.equals(nodeKey, n.nodeKey) && endpoint.equals(n.endpoint) && commissionBps == n.commissionBps
        && pendingCommissionBps == n.pendingCommissionBps && pendingCommissionAt == n.pendingCommissionAt
        && registered == n.registered && registeredAt == n.registeredAt;
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, operator, Arrays.hashCode(nodeKey), endpoint, commissionBps, registered);
  }

  @Override
  public String toString() {
    return "RegisteredNode[id=" + id + ", operator=" + operator + ", nodeKey=" + HexFormat.of().formatHex(nodeKey)
        + ", endpoint=" + endpoint + ", commissionBps=" + commissionBps
        + (pendingCommissionBps != 0 ? ", pending=" + pendingCommissionBps + "@" + pendingCommissionAt : "")
        + ", registered=" + registered + ", registeredAt=" + registeredAt + "]";
  }
}
