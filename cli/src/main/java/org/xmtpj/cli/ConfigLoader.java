package org.xmtpj.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.xmtpj.node.NodeConfig;
import org.xmtpj.node.api.ApiLimits;
import org.xmtpj.node.ratelimit.RateLimitConfig;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Builds the immutable {@link NodeConfig} from resolved settings; every bad value is named in the error. */
final class ConfigLoader {
  static final Path DEFAULT_DATA_DIR = Path.of(".xmtpd");

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

  static NodeConfig build(Map<String, String> s) {
    ApiLimits d = ApiLimits.DEFAULTS;
    ApiLimits limits = new ApiLimits(
        i(s, "limits.maxTopicChars", d.maxTopicChars()), i(s, "limits.maxMessageBytes", d.maxMessageBytes()),
        i(s, "limits.maxEnvelopesPerPublish", d.maxEnvelopesPerPublish()),
        i(s, "limits.maxPageSize", d.maxPageSize()), d.maxPreferencesPageSize(),
        i(s, "limits.maxBatchQueries", d.maxBatchQueries()), i(s, "limits.maxTopicsPerQuery", d.maxTopicsPerQuery()),
        i(s, "limits.maxTopicsPerSubscription", d.maxTopicsPerSubscription()),
        i(s, "limits.maxRequestBytes", d.maxRequestBytes()));
    RateLimitConfig r = RateLimitConfig.DEFAULTS;
    RateLimitConfig rate = new RateLimitConfig(b(s, "rateLimit.enabled", r.enabled()),
        l(s, "rateLimit.publishPerMinute", r.publishPerMinute()), l(s, "rateLimit.publishBurst", r.publishBurst()),
        l(s, "rateLimit.requestsPerMinute", r.requestsPerMinute()),
        l(s, "rateLimit.requestBurst", r.requestBurst()), r.maxTrackedClients());
    return new NodeConfig(Path.of(s.getOrDefault("dataDir", DEFAULT_DATA_DIR.toString())),
        s.getOrDefault("host", NodeConfig.DEFAULT_HOST),
        i(s, "httpPort", NodeConfig.DEFAULT_HTTP_PORT), i(s, "grpcPort", NodeConfig.DEFAULT_GRPC_PORT),
        s.get("dbUrl"), limits, rate,
        Duration.ofSeconds(l(s, "auth.maxTokenAgeSeconds", NodeConfig.DEFAULT_MAX_TOKEN_AGE.toSeconds())),
        Duration.ofSeconds(l(s, "stream.keepAliveSeconds", NodeConfig.DEFAULT_KEEP_ALIVE.toSeconds())),
        i(s, "stream.subscriberQueue", NodeConfig.DEFAULT_SUBSCRIBER_QUEUE),
        i(s, "store.maxBatchEnvelopes", NodeConfig.DEFAULT_MAX_BATCH_ENVELOPES),
        i(s, "store.maxQueuedPublishes", NodeConfig.DEFAULT_MAX_QUEUED_PUBLISHES),
        Duration.ofSeconds(l(s, "shutdownGraceSeconds", NodeConfig.DEFAULT_SHUTDOWN_GRACE.toSeconds())));
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
