package org.xmtpj.node.ratelimit;

import java.util.List;

/**
 * Token bucket settings. Defaults are node-go's where it has them: publishes 200/min with a burst of 1,000
 * envelopes; other requests 2,000/min with a burst of 10,000. Requests count against their source network
 * ({@link ClientAddress}); an authenticated publish also counts against its wallet, envelopes and stored bytes.
 *
 * @param walletBytesPerDay message bytes one wallet may store per day (a bucket that refills over 24 h)
 * @param trustedProxies addresses or CIDR blocks whose {@code X-Forwarded-For} names the real client
 */
public record RateLimitConfig(boolean enabled, long publishPerMinute, long publishBurst, long requestsPerMinute,
    long requestBurst, int maxTrackedClients, long walletBytesPerDay, List<String> trustedProxies) {

  /** 100 MiB a day: a hundred thousand 1 KB messages; attachments travel outside the network. */
  public static final long DEFAULT_WALLET_BYTES_PER_DAY = 100L << 20;

  public static final RateLimitConfig DEFAULTS = new RateLimitConfig(true, 200, 1_000, 2_000, 10_000, 100_000,
      DEFAULT_WALLET_BYTES_PER_DAY, List.of());

  public RateLimitConfig {
    if (publishPerMinute < 1 || publishBurst < 1 || requestsPerMinute < 1 || requestBurst < 1
        || maxTrackedClients < 1 || walletBytesPerDay < 1) {
      throw new IllegalArgumentException("rate limits must be positive");
    }
    trustedProxies = List.copyOf(trustedProxies);
    new ClientAddress(trustedProxies); // refuses a malformed entry now, not at the first request
  }

  /** The request and publish buckets only; the wallet quota and trusted proxies take their defaults. */
  public RateLimitConfig(boolean enabled, long publishPerMinute, long publishBurst, long requestsPerMinute,
      long requestBurst, int maxTrackedClients) {
    this(enabled, publishPerMinute, publishBurst, requestsPerMinute, requestBurst, maxTrackedClients,
        DEFAULT_WALLET_BYTES_PER_DAY, List.of());
  }
}
