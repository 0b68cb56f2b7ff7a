package org.xmtpj.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtpj.node.NodeConfig;

class ConfigPrecedenceTest {
  @TempDir
  Path dir;

  @Test
  void shouldNameEnvironmentVariablesAfterYamlKeys() {
    assertThat(Settings.envName("dataDir")).isEqualTo("XMTPD_DATA_DIR");
    assertThat(Settings.envName("rateLimit.publishPerMinute")).isEqualTo("XMTPD_RATE_LIMIT_PUBLISH_PER_MINUTE");
    assertThat(Settings.envName("limits.maxPageSize")).isEqualTo("XMTPD_LIMITS_MAX_PAGE_SIZE");
  }

  @Test
  void shouldPreferFlagsOverEnvironmentOverFile() throws Exception {
    Path yaml = dir.resolve("xmtpd.yaml");
    Files.writeString(yaml, """
        httpPort: 7001
        grpcPort: 7002
        dataDir: /from/file
        rateLimit:
          publishPerMinute: 11
        limits:
          maxPageSize: 50
        """);
    Map<String, String> env = Map.of("XMTPD_GRPC_PORT", "8002", "XMTPD_DATA_DIR", "/from/env",
        "XMTPD_RATE_LIMIT_ENABLED", "false");
    Map<String, String> flags = new HashMap<>();
    flags.put("dataDir", "/from/flag");
    flags.put("httpPort", null);
    NodeConfig c = ConfigLoader.build(Settings.resolve(ConfigLoader.readYaml(yaml), env, flags));
    assertThat(c.httpPort()).isEqualTo(7001);
    assertThat(c.grpcPort()).isEqualTo(8002);
    assertThat(c.dataDir()).isEqualTo(Path.of("/from/flag"));
    assertThat(c.rateLimit().enabled()).isFalse();
    assertThat(c.rateLimit().publishPerMinute()).isEqualTo(11);
    assertThat(c.limits().maxPageSize()).isEqualTo(50);
  }

  @Test
  void shouldUseDefaultsWhenNothingIsSet() {
    NodeConfig c = ConfigLoader.build(Settings.resolve(Map.of(), Map.of(), Map.of()));
    assertThat(c.httpPort()).isEqualTo(5555);
    assertThat(c.grpcPort()).isEqualTo(5556);
    assertThat(c.dbUrl()).isNull();
    assertThat(c.dataDir()).isEqualTo(Path.of(".xmtpd"));
  }

  @Test
  void shouldRejectUnknownKeysAndBadValuesWithTheirNames() throws Exception {
    Path yaml = dir.resolve("bad.yaml");
    Files.writeString(yaml, "httpPrt: 1\n");
    assertThatThrownBy(() -> ConfigLoader.readYaml(yaml)).hasMessageContaining("unknown setting 'httpPrt'");
    assertThatThrownBy(() -> ConfigLoader.build(Map.of("httpPort", "http"))).hasMessageContaining(
        "httpPort must be a whole number");
    assertThatThrownBy(() -> ConfigLoader.build(Map.of("rateLimit.enabled", "maybe"))).hasMessageContaining(
        "rateLimit.enabled must be true or false");
    assertThatThrownBy(() -> ConfigLoader.build(Map.of("limits.maxPageSize", "0"))).hasMessageContaining(
        "must be positive");
  }

  @Test
  void shouldTakeTheResponseBudgetFromTheConfiguration() {
    assertThat(ConfigLoader.build(Map.of("limits.maxResponseBytes", "65536")).limits().maxResponseBytes())
        .isEqualTo(65536);
    assertThat(ConfigLoader.build(Map.of()).limits().maxResponseBytes()).isEqualTo(4 * 1024 * 1024);
    assertThatThrownBy(() -> ConfigLoader.build(Map.of("limits.maxResponseBytes", "10"))).hasMessageContaining(
        "maxResponseBytes");
  }
}
