package org.xmtpj.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xmtpj.node.NodeConfig;
import org.xmtpj.node.api.ApiLimits;
import org.xmtpj.node.subscribe.StreamLimits;
import org.xmtpj.node.ratelimit.RateLimitConfig;
import org.xmtpj.node.chain.ChainConfig;
import org.xmtpj.node.replication.PeerInfo;
import org.xmtpj.node.replication.ReplicationConfig;
import org.xmtpj.store.EventStores.OnCorrupt;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Builds the immutable {@link NodeConfig} from resolved settings; every bad value is named in the error. */
final class ConfigLoader {
  static final Path DEFAULT_DATA_DIR = Path.of(".xmtpd");
  private static final Pattern DURATION = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)?");

  private ConfigLoader() {}

  static Map<String, String> readYaml(Path file) {
    try (Reader r = Files.newBufferedReader(file)) {
      Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
      if (doc == null) {
        return Map.of();
      }
      if (!(doc instanceof Map<?, ?> map)) {
        throw new IllegalArgumentException("config file " + file + " must be a YAML mapping");
      }
      return Settings.flatten(map);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage());
    }
  }

  private static StreamLimits streamLimits(Map<String, String> s, StreamLimits d) {
    return new StreamLimits(i(s, "limits.maxStreams", d.maxStreams()),
        i(s, "limits.maxStreamsPerClient", d.maxStreamsPerClient()),
        i(s, "limits.maxSubscribeAllStreams", d.maxSubscribeAllStreams()), l(s, "limits.maxTopics", d.maxTopics()),
        i(s, "limits.maxTopicsPerClient", d.maxTopicsPerClient()),
        i(s, "limits.maxSubscribeAllPerClient", d.maxSubscribeAllPerClient()));
  }

  static NodeConfig build(Map<String, String> s) {
    ApiLimits d = ApiLimits.DEFAULTS;
    ApiLimits limits = new ApiLimits(
        i(s, "limits.maxTopicChars", d.maxTopicChars()), i(s, "limits.maxMessageBytes", d.maxMessageBytes()),
        i(s, "limits.maxEnvelopesPerPublish", d.maxEnvelopesPerPublish()),
        i(s, "limits.maxPageSize", d.maxPageSize()), d.maxPreferencesPageSize(),
        i(s, "limits.maxBatchQueries", d.maxBatchQueries()), i(s, "limits.maxTopicsPerQuery", d.maxTopicsPerQuery()),
        i(s, "limits.maxTopicsPerSubscription", d.maxTopicsPerSubscription()),
        i(s, "limits.maxRequestBytes", d.maxRequestBytes()), i(s, "limits.maxResponseBytes", d.maxResponseBytes()),
        streamLimits(s, d.streams()), l(s, "limits.maxInFlightBytes", d.maxInFlightBytes()));
    RateLimitConfig r = RateLimitConfig.DEFAULTS;
    RateLimitConfig rate = new RateLimitConfig(b(s, "rateLimit.enabled", r.enabled()),
        l(s, "rateLimit.publishPerMinute", r.publishPerMinute()), l(s, "rateLimit.publishBurst", r.publishBurst()),
        l(s, "rateLimit.requestsPerMinute", r.requestsPerMinute()),
        l(s, "rateLimit.requestBurst", r.requestBurst()), r.maxTrackedClients(),
        l(s, "rateLimit.walletBytesPerDay", r.walletBytesPerDay()), list(s, "rateLimit.trustedProxies"));
    return new NodeConfig(Path.of(s.getOrDefault("dataDir", DEFAULT_DATA_DIR.toString())),
        s.getOrDefault("host", NodeConfig.DEFAULT_HOST),
        i(s, "httpPort", NodeConfig.DEFAULT_HTTP_PORT), i(s, "grpcPort", NodeConfig.DEFAULT_GRPC_PORT),
        s.get("dbUrl"), limits, rate,
        Duration.ofSeconds(l(s, "auth.maxTokenAgeSeconds", NodeConfig.DEFAULT_MAX_TOKEN_AGE.toSeconds())),
        Duration.ofSeconds(l(s, "stream.keepAliveSeconds", NodeConfig.DEFAULT_KEEP_ALIVE.toSeconds())),
        i(s, "stream.subscriberQueue", NodeConfig.DEFAULT_SUBSCRIBER_QUEUE),
        i(s, "store.maxBatchEnvelopes", NodeConfig.DEFAULT_MAX_BATCH_ENVELOPES),
        i(s, "store.maxQueuedPublishes", NodeConfig.DEFAULT_MAX_QUEUED_PUBLISHES),
        Duration.ofSeconds(l(s, "shutdownGraceSeconds", NodeConfig.DEFAULT_SHUTDOWN_GRACE.toSeconds())),
        replication(s), chain(s), OnCorrupt.parse(s.getOrDefault("store.onCorrupt", "refuse")));
  }

  /** Chain membership when {@code chain.rpc} is set (then {@code chain.deployment} is required), else null. */
  static ChainConfig chain(Map<String, String> s) {
    String rpc = s.get("chain.rpc");
    if (rpc == null || rpc.isBlank()) {
      if (s.get("chain.deployment") != null) {
        throw new IllegalArgumentException("chain.deployment is set but chain.rpc is not: give both");
      }
      return null;
    }
    Path deployment = file(s, "chain.deployment");
    if (deployment == null) {
      throw new IllegalArgumentException("chain.rpc is set: chain.deployment (the deployment file) is required too");
    }
    if (s.get("replication.peers") != null && !s.get("replication.peers").isBlank()) {
      throw new IllegalArgumentException("replication.peers and chain.rpc exclude each other: with a chain, peers"
          + " come from the registry's active set");
    }
    if (file(s, "replication.peersFile") != null) {
      throw new IllegalArgumentException("replication.peersFile and chain.rpc exclude each other: with a chain,"
          + " peers come from the registry's active set");
    }
    return new ChainConfig(rpc.trim(), deployment,
        positive("chain.pollInterval", duration(s, "chain.pollInterval", ChainConfig.DEFAULT_POLL_INTERVAL)),
        l(s, "chain.confirmations", 0), duration(s, "chain.staleAfter", ChainConfig.DEFAULT_STALE_AFTER),
        operatorKey(s), b(s, "chain.faultEquivocate", false));
  }

  /** The operator key from {@code chain.operatorKeyFile} (a file holding the hex key), or null. */
  private static String operatorKey(Map<String, String> s) {
    Path file = file(s, "chain.operatorKeyFile");
    if (file == null) {
      return null;
    }
    try {
      return Files.readString(file).trim();
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("chain.operatorKeyFile: cannot read " + file + ": " + e.getMessage());
    }
  }

  static ReplicationConfig replication(Map<String, String> s) {
    ReplicationConfig d = ReplicationConfig.defaults();
    int port = i(s, "replication.port", d.port());
    if (port < -1 || port > 65_535) {
      throw new IllegalArgumentException("replication.port must be -1 (off) or 0..65535, was " + port);
    }
    return new ReplicationConfig(port, peers(s.get("replication.peers")), tls(s),
        positive("replication.antiEntropyInterval", duration(s, "replication.antiEntropyInterval",
            d.antiEntropyInterval())),
        duration(s, "replication.pushLinger", d.pushLinger()),
        positive("replication.callTimeout", duration(s, "replication.callTimeout", d.callTimeout())),
        d.limits().withServing(i(s, "replication.maxServingCallsPerPeer", d.limits().maxServingCallsPerPeer()),
            l(s, "replication.maxServingBytes", d.limits().maxServingBytes())),
        duration(s, "replication.retention", d.retention()), file(s, "replication.peersFile"));
  }

  private static Duration positive(String key, Duration d) {
    if (d.isZero()) {
      throw new IllegalArgumentException(key + " must be positive");
    }
    return d;
  }

  /** A comma-separated list (blanks between commas ignored); empty when unset. */
  private static List<String> list(Map<String, String> s, String key) {
    String v = s.get(key);
    return v == null ? List.of() : java.util.Arrays.stream(v.split(",")).map(String::trim)
        .filter(x -> !x.isEmpty()).toList();
  }

  /** Comma-separated {@code [NODEKEY@]HOST:PORT}; blanks between commas are ignored. */
  static List<PeerInfo> peers(String value) {
    List<PeerInfo> peers = new ArrayList<>();
    if (value == null) {
      return peers;
    }
    for (String spec : value.split(",")) {
      if (spec.isBlank()) {
        continue;
      }
      try {
        peers.add(PeerInfo.parse(spec));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("replication.peers: " + e.getMessage());
      }
    }
    return peers;
  }

  private static ReplicationConfig.Tls tls(Map<String, String> s) {
    Path cert = file(s, "replication.tls.cert");
    Path key = file(s, "replication.tls.key");
    Path trust = file(s, "replication.tls.trust");
    if (cert == null && key == null) {
      if (trust != null) {
        throw new IllegalArgumentException("replication.tls.trust needs replication.tls.cert and .key as well");
      }
      return null;
    }
    if (cert == null || key == null) {
      throw new IllegalArgumentException("replication.tls.cert and replication.tls.key must be given together");
    }
    return new ReplicationConfig.Tls(cert, key, trust);
  }

  private static Path file(Map<String, String> s, String key) {
    String v = s.get(key);
    if (v == null || v.isBlank()) {
      return null;
    }
    Path p = Path.of(v.trim());
    if (!Files.isReadable(p)) {
      throw new IllegalArgumentException(key + ": cannot read " + p.toAbsolutePath());
    }
    return p;
  }

  /** {@code 30s}, {@code 500ms}, {@code 2m}, {@code 1h}, {@code 30d}; a bare number is seconds. */
  static Duration duration(Map<String, String> s, String key, Duration def) {
    String v = s.get(key);
    if (v == null) {
      return def;
    }
    Matcher m = DURATION.matcher(v.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(key + " must be a duration like 30s, 500ms, 2m, 1h or 30d, was '" + v
          + "'");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2) == null ? "s" : m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      default -> Duration.ofSeconds(n);
    };
  }

  private static int i(Map<String, String> s, String key, int def) {
    long v = l(s, key, def);
    if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
      throw new IllegalArgumentException(key + " is out of range: " + v);
    }
    return (int) v;
  }

  private static long l(Map<String, String> s, String key, long def) {
    String v = s.get(key);
    if (v == null) {
      return def;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a whole number, was '" + v + "'");
    }
  }

  private static boolean b(Map<String, String> s, String key, boolean def) {
    String v = s.get(key);
    if (v == null) {
      return def;
    }
    return switch (v.trim().toLowerCase()) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default -> throw new IllegalArgumentException(key + " must be true or false, was '" + v + "'");
    };
  }
}
