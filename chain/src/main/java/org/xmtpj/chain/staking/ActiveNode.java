package org.xmtpj.chain.staking;

import java.math.BigInteger;
import java.util.Objects;

/**
 * One member of an active set.
 *
 * @param nodeId the node's registry id
 * @param stake its total bonded stake when the snapshot was taken (base units)
 */
public record ActiveNode(long nodeId, BigInteger stake) {
  public ActiveNode {
    Objects.requireNonNull(stake, "stake");
  }
}
