package org.xmtpj.chain.staking;

import java.math.BigInteger;
import java.util.Objects;

/**
 * Stake on its way out: started by undelegate, paid by withdraw once {@code releaseTime} has passed.
 *
 * @param id the unbonding id that withdraw takes
 * @param owner the delegator
 * @param nodeId the node it was bonded to
 * @param releaseTime unix seconds from which it can be withdrawn
 * @param amount its current value (base units), after any slashing
 */
public record Unbonding(long id, String owner, long nodeId, long releaseTime, BigInteger amount) {
  public Unbonding {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(amount, "amount");
  }
}
