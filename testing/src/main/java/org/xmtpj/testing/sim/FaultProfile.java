package org.xmtpj.testing.sim;

import java.util.SplittableRandom;

/**
 * What the simulated network does to each leg (request or response) of a call.
 *
 * @param dropRate probability that a leg is lost (the caller's future fails with DEADLINE_EXCEEDED at the timeout)
 * @param duplicateRate probability of each extra copy of a leg, up to {@link SimNetwork#MAX_COPIES} deliveries in
 *     all (a duplicated push reaches the handler again)
 * @param minDelayMs lower bound of the uniform one-way delay
 * @param maxDelayMs upper bound of the uniform one-way delay (a wide range reorders messages)
 * @param callTimeoutMs the caller's deadline for the whole call
 */
public record FaultProfile(double dropRate, double duplicateRate, long minDelayMs, long maxDelayMs,
    long callTimeoutMs) {

  /** A healthy LAN: 1–5 ms, nothing lost or duplicated. */
  public static final FaultProfile NONE = new FaultProfile(0, 0, 1, 5, 2_000);

  public FaultProfile {
    if (dropRate < 0 || dropRate > 1 || duplicateRate < 0 || duplicateRate > 1) {
      throw new IllegalArgumentException("rates must be within 0..1");
    }
    if (minDelayMs < 0 || maxDelayMs < minDelayMs || callTimeoutMs <= 0) {
      throw new IllegalArgumentException("delays must satisfy 0 ≤ min ≤ max and the timeout be positive");
    }
  }

  /** Drop 0–50 %, duplicate 0–30 %, delays from 1 ms up to 1 s wide (reordering), a 2 s deadline. */
  public static FaultProfile random(SplittableRandom random) {
    double drop = random.nextDouble() * 0.5;
    double dup = random.nextDouble() * 0.3;
    long min = 1 + random.nextLong(20);
    long max = min + random.nextLong(1_000);
    return new FaultProfile(drop, dup, min, max, 2_000);
  }

  public FaultProfile withDropRate(double p) {
    return new FaultProfile(p, duplicateRate, minDelayMs, maxDelayMs, callTimeoutMs);
  }

  public FaultProfile withDuplicateRate(double p) {
    return new FaultProfile(dropRate, p, minDelayMs, maxDelayMs, callTimeoutMs);
  }

  public FaultProfile withDelays(long minMs, long maxMs) {
    return new FaultProfile(dropRate, duplicateRate, minMs, maxMs, callTimeoutMs);
  }

  @Override
  public String toString() {
    return String.format("drop=%.0f%% dup=%.0f%% delay=%d..%d ms timeout=%d ms", dropRate * 100,
        duplicateRate * 100, minDelayMs, maxDelayMs, callTimeoutMs);
  }
}
