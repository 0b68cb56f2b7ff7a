package org.xmtpj.node.ratelimit;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.xmtpj.node.api.ApiException;
import org.xmtpj.node.api.ErrorCode;

/**
 * Per-client token buckets, one family for publishes (cost = envelopes) and one for everything else (cost = 1,
 * or the number of queries in a batch), as node-go does. Idle buckets are forgotten so that the map stays small.
 */
public final class RateLimiter {
  private final RateLimitConfig config;
  private final LongSupplier nanoClock;
  private final ConcurrentHashMap<String, Bucket> publish = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Bucket> other = new ConcurrentHashMap<>();

  public RateLimiter(RateLimitConfig config, LongSupplier nanoClock) {
    this.config = config;
    this.nanoClock = nanoClock;
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
  private static void evictFull(ConcurrentHashMap<String, Bucket> buckets, long perMinute, long burst, long now) {
    buckets.entrySet().removeIf(e -> e.getValue().isFull(perMinute, burst, now));
  }

  private static final class Bucket {
    private double tokens;
    private long updatedNanos;

    Bucket(long burst, long now) {
      this.tokens = burst;
      this.updatedNanos = now;
    }

    synchronized boolean take(int cost, long perMinute, long burst, long now) {
      refill(perMinute, burst, now);
      if (tokens < cost) {
        return false;
      }
      tokens -= cost;
      return true;
    }

    synchronized boolean isFull(long perMinute, long burst, long now) {
      refill(perMinute, burst, now);
      return tokens >= burst;
    }

    private void refill(long perMinute, long burst, long now) {
      double added = (now - updatedNanos) * perMinute / 60e9;
      tokens = Math.min(burst, tokens + added);
      updatedNanos = now;
    }
  }
}
