package org.xmtpj.node;

import java.nio.file.Path;
import java.time.Duration;
import org.xmtpj.node.chain.ChainConfig;
import org.xmtpj.node.api.ApiLimits;
import org.xmtpj.node.ratelimit.RateLimitConfig;
import org.xmtpj.node.replication.ReplicationConfig;
import org.xmtpj.store.EventStores.OnCorrupt;

/**
 * Everything a node is started with, validated on construction. The CLI builds it from flags, environment and
 * YAML; tests build it directly.
 *
 * @param dbUrl a JDBC URL, or null for SQLite in {@code dataDir}
 * @param subscriberQueue envelopes a subscription may have in flight before it falls back to the store
 * @param maxBatchEnvelopes most envelopes one group commit takes
 * @param maxQueuedPublishes publishes that may wait for the writer before new ones are refused
 * @param replication node-to-node replication (port, peers, TLS, intervals, limits)
 * @param chain where membership comes from when it is the chain (registry contracts), or null for the static
 *     peers of {@code replication}
 * @param onCorruptStore what to do with a SQLite file the start-time check finds unusable (a damaged but
 *     readable one is always rebuilt from what it still holds)
 */
public record NodeConfig(Path dataDir, String host, int httpPort, int grpcPort, String dbUrl, ApiLimits limits,
    RateLimitConfig rateLimit, Duration maxTokenAge, Duration keepAliveInterval, int subscriberQueue,
    int maxBatchEnvelopes, int maxQueuedPublishes, Duration shutdownGrace, ReplicationConfig replication,
    ChainConfig chain, OnCorrupt onCorruptStore) {

  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final int DEFAULT_HTTP_PORT = 5555;
  public static final int DEFAULT_GRPC_PORT = 5556;
  public static final Duration DEFAULT_MAX_TOKEN_AGE = Duration.ofHours(1);
  public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(20);
  public static final int DEFAULT_SUBSCRIBER_QUEUE = 1024;
  public static final int DEFAULT_MAX_BATCH_ENVELOPES = 2_000;
  public static final int DEFAULT_MAX_QUEUED_PUBLISHES = 50_000;
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);

  public NodeConfig {
    if (dataDir == null) {
      throw new IllegalArgumentException("data directory is required");
    }
    checkPort("http port", httpPort);
    checkPort("grpc port", grpcPort);
    if (httpPort != 0 && httpPort == grpcPort) {
      throw new IllegalArgumentException("http port and grpc port must differ (both " + httpPort + ")");
    }
    if (keepAliveInterval.isNegative() || keepAliveInterval.isZero() || keepAliveInterval.toSeconds() > 30) {
      throw new IllegalArgumentException("keep-alive interval must be between 1 ms and 30 s");
    }
    if (subscriberQueue < 1 || maxBatchEnvelopes < 1 || maxQueuedPublishes < 1) {
      throw new IllegalArgumentException("queue sizes must be positive");
    }
    if (maxTokenAge.isNegative() || maxTokenAge.isZero()) {
      throw new IllegalArgumentException("max token age must be positive");
    }
    if (onCorruptStore == null) {
      throw new IllegalArgumentException("onCorruptStore is required (OnCorrupt.REFUSE by default)");
    }
    if (replication == null) {
      throw new IllegalArgumentException("replication config is required (ReplicationConfig.defaults())");
    }
    int rp = replication.port();
    if (rp > 0 && (rp == httpPort || rp == grpcPort)) {
      throw new IllegalArgumentException("replication port must differ from the http and grpc ports (" + rp + ")");
    }
  }

  private static void checkPort(String name, int port) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException(name + " must be 0..65535, was " + port);
    }
  }

  public static NodeConfig defaults(Path dataDir) {
    return new NodeConfig(dataDir, DEFAULT_HOST, DEFAULT_HTTP_PORT, DEFAULT_GRPC_PORT, null, ApiLimits.DEFAULTS,
        RateLimitConfig.DEFAULTS, DEFAULT_MAX_TOKEN_AGE, DEFAULT_KEEP_ALIVE, DEFAULT_SUBSCRIBER_QUEUE,
        DEFAULT_MAX_BATCH_ENVELOPES, DEFAULT_MAX_QUEUED_PUBLISHES, DEFAULT_SHUTDOWN_GRACE,
        ReplicationConfig.defaults(), null, OnCorrupt.REFUSE);
  }

  public NodeConfig withPorts(String host, int http, int grpc) {
    return new NodeConfig(dataDir, host, http, grpc, dbUrl, limits, rateLimit, maxTokenAge, keepAliveInterval,
        subscriberQueue, maxBatchEnvelopes, maxQueuedPublishes, shutdownGrace, replication, chain, onCorruptStore);
  }

  public NodeConfig withRateLimit(RateLimitConfig rl) {
    return new NodeConfig(dataDir, host, httpPort, grpcPort, dbUrl, limits, rl, maxTokenAge, keepAliveInterval,
        subscriberQueue, maxBatchEnvelopes, maxQueuedPublishes, shutdownGrace, replication, chain, onCorruptStore);
  }

  public NodeConfig withLimits(ApiLimits l) {
    return new NodeConfig(dataDir, host, httpPort, grpcPort, dbUrl, l, rateLimit, maxTokenAge, keepAliveInterval,
        subscriberQueue, maxBatchEnvelopes, maxQueuedPublishes, shutdownGrace, replication, chain, onCorruptStore);
  }

  public NodeConfig withSubscriberQueue(int n) {
    return new NodeConfig(dataDir, host, httpPort, grpcPort, dbUrl, limits, rateLimit, maxTokenAge,
        keepAliveInterval, n, maxBatchEnvelopes, maxQueuedPublishes, shutdownGrace, replication, chain, onCorruptStore);
  }

  public NodeConfig withKeepAlive(Duration interval) {
    return new NodeConfig(dataDir, host, httpPort, grpcPort, dbUrl, limits, rateLimit, maxTokenAge, interval,
        subscriberQueue, maxBatchEnvelopes, maxQueuedPublishes, shutdownGrace, replication, chain, onCorruptStore);
  }

  public NodeConfig withDbUrl(String url) {
    return new NodeConfig(dataDir, host, httpPort, grpcPort, url, limits, rateLimit, maxTokenAge,
        keepAliveInterval, subscriberQueue, maxBatchEnvelopes, maxQueuedPublishes, shutdownGrace, replication, chain, onCorruptStore);
  }

  public NodeConfig withReplication(ReplicationConfig r) {
    return new NodeConfig(dataDir, host, httpPort, grpcPort, dbUrl, limits, rateLimit, maxTokenAge,
        keepAliveInterval, subscriberQueue, maxBatchEnvelopes, maxQueuedPublishes, shutdownGrace, r, chain, onCorruptStore);
  }

  public NodeConfig withChain(ChainConfig c) {
    return new NodeConfig(dataDir, host, httpPort, grpcPort, dbUrl, limits, rateLimit, maxTokenAge,
        keepAliveInterval, subscriberQueue, maxBatchEnvelopes, maxQueuedPublishes, shutdownGrace, replication, c, onCorruptStore);
  }

  public NodeConfig withOnCorruptStore(OnCorrupt o) {
    return new NodeConfig(dataDir, host, httpPort, grpcPort, dbUrl, limits, rateLimit, maxTokenAge,
        keepAliveInterval, subscriberQueue, maxBatchEnvelopes, maxQueuedPublishes, shutdownGrace, replication, chain,
        o);
  }

  /** For logs: never prints a database password. */
  public String describe() {
    return "dataDir=" + dataDir.toAbsolutePath() + " host=" + host + " httpPort=" + httpPort + " grpcPort="
        + grpcPort + " db=" + (dbUrl == null ? "sqlite:" + dataDir.resolve("xmtpd.db")
            : dbUrl.replaceAll("password=[^&]*", "password=***")) + " limits=" + limits + " rateLimit=" + rateLimit
        + " maxTokenAge=" + maxTokenAge + " keepAlive=" + keepAliveInterval + " subscriberQueue=" + subscriberQueue
        + " maxBatchEnvelopes=" + maxBatchEnvelopes + " maxQueuedPublishes=" + maxQueuedPublishes
        + " shutdownGrace=" + shutdownGrace + " onCorruptStore=" + onCorruptStore + " replication=" + describe(replication) + " chain="
        + (chain == null ? "off (static peers)" : chain.describe());
  }

  private static String describe(ReplicationConfig r) {
    if (!r.enabled()) {
      return "off";
    }
    return "{port=" + r.port() + " peers=" + r.peers().stream()
        .map(p -> (p.key() == null ? "" : p.key().hex() + "@") + p.address()).toList()
        + " tls=" + (r.tls() == null ? "off" : r.tls().certChain()) + " antiEntropy=" + r.antiEntropyInterval()
        + " pushLinger=" + r.pushLinger() + " callTimeout=" + r.callTimeout() + " limits=" + r.limits()
        + " retention=" + (r.retention().isZero() ? "off" : r.retention()) + "}";
  }
}
