package org.xmtpj.node.ratelimit;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.xmtpj.node.api.ApiException;
import org.xmtpj.node.api.ErrorCode;

/**
 * Per-client token buckets, one family for publishes (cost = envelopes) and one for everything else (cost = 1,
 * or the number of queries in a batch), as node-go does, keyed by source network ({@link ClientAddress}); and per
 * wallet, for authenticated publishes, its envelopes and its stored bytes per day. Local policy: a refusal stores
 * nothing. Full buckets are forgotten so that the maps stay small.
 */
public final class RateLimiter {
  private final RateLimitConfig config;
  private final LongSupplier nanoClock;
  private final ConcurrentHashMap<String, Bucket> publish = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Bucket> other = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Bucket> walletEnvelopes = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Bucket> walletBytes = new ConcurrentHashMap<>();
  private final ClientAddress addresses;

  public RateLimiter(RateLimitConfig config, LongSupplier nanoClock) {
    this.config = config;
    this.nanoClock = nanoClock;
    this.addresses = new ClientAddress(config.trustedProxies());
  }

  /** The key a request from {@code remote} counts against ({@code forwardedFor}: its X-Forwarded-For, or null). */
  public String clientKey(java.net.InetAddress remote, String forwardedFor) {
    return addresses.key(remote, forwardedFor);
  }

  /**
   * An authenticated publish of {@code envelopes} envelopes carrying {@code bytes} message bytes, counted against
   * {@code wallet}: its envelope bucket, then its daily byte quota (neither is charged when the other refuses).
   */
  public void checkWallet(String wallet, int envelopes, long bytes) {
    if (!config.enabled()) {
      return;
    }
    long now = nanoClock.getAsLong();
    long perDay = config.walletBytesPerDay();
    Bucket count = walletEnvelopes.computeIfAbsent(wallet, k -> new Bucket(config.publishBurst(), now));
    Bucket size = walletBytes.computeIfAbsent(wallet, k -> new Bucket(perDay, now));
    synchronized (count) {
      if (!count.take(envelopes, config.publishPerMinute(), config.publishBurst(), now)) {
        throw new ApiException(ErrorCode.RESOURCE_EXHAUSTED, "rate_limited", "publish rate limit exceeded for "
            + "wallet " + wallet + ": " + config.publishPerMinute() + " envelopes per minute, burst "
            + config.publishBurst());
      }
      if (!size.take(bytes, perDay / (24.0 * 60), perDay, now)) {
        count.refund(envelopes, config.publishBurst());
        throw new ApiException(ErrorCode.RESOURCE_EXHAUSTED, "storage_quota", "wallet " + wallet + " has stored "
            + "its " + perDay + " bytes of the last 24 hours (rateLimit.walletBytesPerDay); it refills over the day");
      }
    }
    if (walletEnvelopes.size() > config.maxTrackedClients()) {
      evictFull(walletEnvelopes, config.publishPerMinute(), config.publishBurst(), now);
      walletBytes.entrySet().removeIf(e -> e.getValue().isFull(perDay / (24.0 * 60), perDay, now));
    }
  }

  public void checkPublish(String client, int envelopes) {
    check(publish, client, envelopes, config.publishPerMinute(), config.publishBurst(), "publish");
  }

  public void checkRequest(String client, int cost) {
    check(other, client, cost, config.requestsPerMinute(), config.requestBurst(), "request");
  }

  private void check(ConcurrentHashMap<String, Bucket> buckets, String client, int cost, long perMinute,
      long burst, String kind) {
    if (!config.enabled()) {
      return;
    }
    long now = nanoClock.getAsLong();
    Bucket bucket = buckets.computeIfAbsent(client, k -> new Bucket(burst, now));
    if (!bucket.take(cost, perMinute, burst, now)) {
      throw new ApiException(ErrorCode.RESOURCE_EXHAUSTED, "rate_limited", kind + " rate limit exceeded for "
          + client + ": " + perMinute + " per minute, burst " + burst);
    }
    if (buckets.size() > config.maxTrackedClients()) {
      evictFull(buckets, perMinute, burst, now);
    }
  }

  /** A full bucket carries no information, so dropping it changes no decision. */
  private static void evictFull(ConcurrentHashMap<String, Bucket> buckets, double perMinute, long burst, long now) {
    buckets.entrySet().removeIf(e -> e.getValue().isFull(perMinute, burst, now));
  }

  private static final class Bucket {
    private double tokens;
    private long updatedNanos;

    Bucket(long burst, long now) {
      this.tokens = burst;
      this.updatedNanos = now;
    }

    synchronized boolean take(long cost, double perMinute, long burst, long now) {
      refill(perMinute, burst, now);
      if (tokens < cost) {
        return false;
      }
      tokens -= cost;
      return true;
    }

    synchronized void refund(long cost, long burst) {
      tokens = Math.min(burst, tokens + cost);
    }

    synchronized boolean isFull(double perMinute, long burst, long now) {
      refill(perMinute, burst, now);
      return tokens >= burst;
    }

    private void refill(double perMinute, long burst, long now) {
      double added = (now - updatedNanos) * perMinute / 60e9;
      tokens = Math.min(burst, tokens + added);
      updatedNanos = now;
    }
  }
}
