package org.xmtpj.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every configurable setting, by its YAML key. Each is also an environment variable (XMTPD_ + the key in upper
 * snake case: {@code rateLimit.enabled} is {@code XMTPD_RATE_LIMIT_ENABLED}). Precedence: flags > env > file.
 */
final class Settings {
  static final List<String> KEYS = List.of(
      "dataDir", "host", "httpPort", "grpcPort", "dbUrl", "logFormat",
      "rateLimit.enabled", "rateLimit.publishPerMinute", "rateLimit.publishBurst", "rateLimit.requestsPerMinute",
      "rateLimit.requestBurst", "rateLimit.walletBytesPerDay", "rateLimit.trustedProxies",
      "limits.maxTopicChars", "limits.maxMessageBytes", "limits.maxEnvelopesPerPublish", "limits.maxPageSize",
      "limits.maxBatchQueries", "limits.maxTopicsPerQuery", "limits.maxTopicsPerSubscription",
      "limits.maxRequestBytes", "limits.maxResponseBytes", "limits.maxInFlightBytes", "limits.maxStreams",
      "limits.maxStreamsPerClient",
      "limits.maxSubscribeAllStreams", "limits.maxTopics", "limits.maxTopicsPerClient", "limits.maxSubscribeAllPerClient",
      "auth.maxTokenAgeSeconds", "stream.keepAliveSeconds", "stream.subscriberQueue",
      "store.maxBatchEnvelopes", "store.maxQueuedPublishes", "store.onCorrupt", "shutdownGraceSeconds",
      "replication.port", "replication.peers", "replication.tls.cert", "replication.tls.key",
      "replication.tls.trust", "replication.antiEntropyInterval", "replication.pushLinger",
      "replication.callTimeout", "replication.retention", "replication.peersFile",
      "replication.maxServingCallsPerPeer", "replication.maxServingBytes",
      "chain.rpc", "chain.deployment", "chain.pollInterval", "chain.confirmations", "chain.staleAfter",
      "chain.operatorKeyFile", "chain.faultEquivocate");

  /** Shorter environment names accepted besides the systematic ones (which win when both are set). */
  static final Map<String, String> ENV_ALIASES = Map.of("replication.peers", "XMTPD_PEERS");

  private Settings() {}

  static String envName(String key) {
    return "XMTPD_" + key.replace(".", "_").replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase();
  }

  /**
   * Flattens YAML ({@code rateLimit: {enabled: false}}) into dotted keys, rejecting keys we do not know. A list
   * ({@code peers: [a, b]}) becomes one comma-separated value, as in the environment.
   */
  static Map<String, String> flatten(Map<?, ?> yaml) {
    Map<String, String> out = new TreeMap<>();
    flatten("", yaml, out);
    for (String key : out.keySet()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("unknown setting '" + key + "' in config file; known: " + KEYS);
      }
    }
    return out;
  }

  private static void flatten(String prefix, Map<?, ?> yaml, Map<String, String> out) {
    for (var e : yaml.entrySet()) {
      String key = prefix + e.getKey();
      if (e.getValue() instanceof Map<?, ?> nested) {
        flatten(key + ".", nested, out);
      } else if (e.getValue() instanceof List<?> list) {
        out.put(key, joinList(key, list));
      } else if (e.getValue() != null) {
        out.put(key, String.valueOf(e.getValue()));
      }
    }
  }

  private static String joinList(String key, List<?> list) {
    StringBuilder sb = new StringBuilder();
    for (Object item : list) {
      if (item == null || item instanceof Map<?, ?> || item instanceof List<?>) {
        throw new IllegalArgumentException(key + " must be a list of plain values, found " + item);
      }
      sb.append(sb.isEmpty() ? "" : ",").append(item);
    }
    return sb.toString();
  }

  /** Merges the three sources; later sources win. */
  static Map<String, String> resolve(Map<String, String> file, Map<String, String> env, Map<String, String> flags) {
    Map<String, String> out = new LinkedHashMap<>(file);
    for (String key : KEYS) {
      String v = env.get(envName(key));
      if ((v == null || v.isBlank()) && ENV_ALIASES.containsKey(key)) {
        v = env.get(ENV_ALIASES.get(key));
      }
      if (v != null && !v.isBlank()) {
        out.put(key, v.trim());
      }
    }
    flags.forEach((k, v) -> {
      if (v != null) {
        out.put(k, v);
      }
    });
    return out;
  }
}
