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
      "rateLimit.requestBurst",
      "limits.maxTopicChars", "limits.maxMessageBytes", "limits.maxEnvelopesPerPublish", "limits.maxPageSize",
      "limits.maxBatchQueries", "limits.maxTopicsPerQuery", "limits.maxTopicsPerSubscription",
      "limits.maxRequestBytes",
      "auth.maxTokenAgeSeconds", "stream.keepAliveSeconds", "stream.subscriberQueue",
      "store.maxBatchEnvelopes", "store.maxQueuedPublishes", "shutdownGraceSeconds");

  private Settings() {}

  static String envName(String key) {
    return "XMTPD_" + key.replace(".", "_").replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase();
  }

  /** Flattens YAML ({@code rateLimit: {enabled: false}}) into dotted keys, rejecting keys we do not know. */
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
      } else if (e.getValue() != null) {
        out.put(key, String.valueOf(e.getValue()));
      }
    }
  }

  /** Merges the three sources; later sources win. */
  static Map<String, String> resolve(Map<String, String> file, Map<String, String> env, Map<String, String> flags) {
    Map<String, String> out = new LinkedHashMap<>(file);
    for (String key : KEYS) {
      String v = env.get(envName(key));
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
