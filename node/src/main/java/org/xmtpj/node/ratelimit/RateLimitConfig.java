package org.xmtpj.node.ratelimit;

/**
 * Token bucket settings per client address. Defaults are node-go's: publishes 200/min with a burst of 1,000
 * envelopes; other requests 2,000/min with a burst of 10,000.
 */
public record RateLimitConfig(boolean enabled, long publishPerMinute, long publishBurst, long requestsPerMinute,
    long requestBurst, int maxTrackedClients) {

  public static final RateLimitConfig DEFAULTS = new RateLimitConfig(true, 200, 1_000, 2_000, 10_000, 100_000);

  public RateLimitConfig {
    if (publishPerMinute < 1 || publishBurst < 1 || requestsPerMinute < 1 || requestBurst < 1
        || maxTrackedClients < 1) {
      throw new IllegalArgumentException("rate limits must be positive");
    }
  }
}
