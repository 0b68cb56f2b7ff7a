package org.xmtpj.chain.staking;

/**
 * Staking's fixed timing (immutable in the contract), for computing epochs without a call.
 *
 * @param genesisTime unix seconds at which epoch 0 starts
 * @param epochLength seconds per epoch
 * @param unbondingPeriod seconds between undelegate and the earliest withdraw
 */
public record StakingSchedule(long genesisTime, long epochLength, long unbondingPeriod) {
  public StakingSchedule {
    if (epochLength <= 0) {
      throw new IllegalArgumentException("epochLength must be positive");
    }
  }

  /** The epoch containing {@code unixSeconds} (0 before genesis, as the contract cannot be asked then). */
  public long epochAt(long unixSeconds) {
    return unixSeconds <= genesisTime ? 0 : (unixSeconds - genesisTime) / epochLength;
  }

  /** The first second of {@code epoch}. */
  public long epochStart(long epoch) {
    return genesisTime + epoch * epochLength;
  }
}
