package org.xmtpj.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtpj.node.NodeConfig;
import org.xmtpj.node.replication.PeerInfo;
import org.xmtpj.node.replication.ReplicationConfig;
import picocli.CommandLine;

class ReplicationSettingsTest {
  private static final String KEY_A = "aa".repeat(32);
  private static final String KEY_B = "bb".repeat(32);

  @TempDir
  Path dir;

  private static NodeConfig fromFlags(String... args) {
    StartCommand cmd = new StartCommand();
    new CommandLine(cmd).parseArgs(args);
    return ConfigLoader.build(Settings.resolve(Map.of(), Map.of(), cmd.flagSettings()));
  }

  @Test
  void shouldParseRepeatedAndCommaSeparatedPeerFlags() {
    NodeConfig c = fromFlags("--peer", KEY_A + "@10.0.0.1:5557", "--peer", "node-b:6000,[::1]:7000",
        "--replication-port", "6557", "--anti-entropy-interval", "5s");
    ReplicationConfig r = c.replication();
    assertThat(r.peers()).extracting(PeerInfo::address).containsExactly("10.0.0.1:5557", "node-b:6000", "::1:7000");
    assertThat(r.peers().get(0).key().hex()).isEqualTo(KEY_A);
    assertThat(r.peers().get(1).key()).isNull();
    assertThat(r.port()).isEqualTo(6557);
    assertThat(r.antiEntropyInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(r.tls()).isNull();
  }

  @Test
  void shouldDefaultToPort5557WithNoPeersAndTurnOffWithMinusOne() {
    ReplicationConfig r = fromFlags().replication();
    assertThat(r.port()).isEqualTo(5557);
    assertThat(r.peers()).isEmpty();
    assertThat(r.antiEntropyInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(fromFlags("--replication-port", "-1").replication().enabled()).isFalse();
  }

  @Test
  void shouldNameABadPeer() {
    assertThatThrownBy(() -> fromFlags("--peer", "abc@host:5557")).hasMessageContaining(
        "replication.peers: peer 'abc@host:5557': node key must be 64 hex characters");
    assertThatThrownBy(() -> fromFlags("--peer", "host")).hasMessageContaining("expected [NODEKEY@]HOST:PORT");
  }

  @Test
  void shouldReadPeersTlsAndIntervalFromYamlWithEnvAndFlagsOnTop() throws Exception {
    Path cert = Files.writeString(dir.resolve("node.crt"), "pem");
    Path key = Files.writeString(dir.resolve("node.key"), "pem");
    Path yaml = dir.resolve("xmtpd.yaml");
    Files.writeString(yaml, """
        replication:
          port: 7557
          peers:
            - %s@node-a:5557
            - node-b:5557
          tls: { cert: %s, key: %s }
          antiEntropyInterval: 2m
        """.formatted(KEY_A, cert, key));
    Map<String, String> file = ConfigLoader.readYaml(yaml);

    ReplicationConfig fromFile = ConfigLoader.build(Settings.resolve(file, Map.of(), Map.of())).replication();
    assertThat(fromFile.port()).isEqualTo(7557);
    assertThat(fromFile.peers()).extracting(PeerInfo::address).containsExactly("node-a:5557", "node-b:5557");
    assertThat(fromFile.tls()).isEqualTo(new ReplicationConfig.Tls(cert, key, null));
    assertThat(fromFile.antiEntropyInterval()).isEqualTo(Duration.ofMinutes(2));

    Map<String, String> env = Map.of("XMTPD_PEERS", KEY_B + "@node-c:5557, node-d:5557",
        "XMTPD_REPLICATION_ANTI_ENTROPY_INTERVAL", "500ms");
    ReplicationConfig fromEnv = ConfigLoader.build(Settings.resolve(file, env, Map.of())).replication();
    assertThat(fromEnv.peers()).extracting(PeerInfo::address).containsExactly("node-c:5557", "node-d:5557");
    assertThat(fromEnv.antiEntropyInterval()).isEqualTo(Duration.ofMillis(500));

    StartCommand cmd = new StartCommand();
    new CommandLine(cmd).parseArgs("--peer", "node-e:5557");
    ReplicationConfig fromFlag = ConfigLoader.build(Settings.resolve(file, env, cmd.flagSettings())).replication();
    assertThat(fromFlag.peers()).extracting(PeerInfo::address).containsExactly("node-e:5557");
    assertThat(fromFlag.port()).as("untouched settings still come from the file").isEqualTo(7557);
  }

  @Test
  void shouldReadRetentionFromFlagYamlOrEnvironmentAndKeepEverythingByDefault() throws Exception {
    assertThat(fromFlags().replication().retention()).isZero();
    assertThat(fromFlags("--retention", "30d").replication().retention()).isEqualTo(Duration.ofDays(30));
    Path yaml = Files.writeString(dir.resolve("r.yaml"), "replication:\n  retention: 12h\n");
    Map<String, String> file = ConfigLoader.readYaml(yaml);
    assertThat(ConfigLoader.build(Settings.resolve(file, Map.of(), Map.of())).replication().retention())
        .isEqualTo(Duration.ofHours(12));
    Map<String, String> env = Map.of("XMTPD_REPLICATION_RETENTION", "90m");
    assertThat(ConfigLoader.build(Settings.resolve(file, env, Map.of())).replication().retention())
        .isEqualTo(Duration.ofMinutes(90));
    assertThatThrownBy(() -> fromFlags("--retention", "a week")).hasMessageContaining(
        "replication.retention must be a duration like 30s, 500ms, 2m, 1h or 30d");
  }

  @Test
  void shouldPreferTheSystematicEnvironmentNameOverTheAlias() {
    Map<String, String> env = Map.of("XMTPD_PEERS", "alias:1", "XMTPD_REPLICATION_PEERS", "systematic:2");
    assertThat(ConfigLoader.build(Settings.resolve(Map.of(), env, Map.of())).replication().peers())
        .extracting(PeerInfo::address).containsExactly("systematic:2");
  }

  @Test
  void shouldNameBadReplicationSettings() throws Exception {
    Path yaml = dir.resolve("bad.yaml");
    Files.writeString(yaml, "replication:\n  prt: 1\n");
    assertThatThrownBy(() -> ConfigLoader.readYaml(yaml)).hasMessageContaining("unknown setting 'replication.prt'");
    Files.writeString(yaml, "replication:\n  peers: [{host: a}]\n");
    assertThatThrownBy(() -> ConfigLoader.readYaml(yaml)).hasMessageContaining(
        "replication.peers must be a list of plain values");

    assertThatThrownBy(() -> fromFlags("--anti-entropy-interval", "soon")).hasMessageContaining(
        "replication.antiEntropyInterval must be a duration like 30s");
    assertThatThrownBy(() -> fromFlags("--anti-entropy-interval", "0s")).hasMessageContaining(
        "replication.antiEntropyInterval must be positive");
    assertThatThrownBy(() -> fromFlags("--replication-port", "70000")).hasMessageContaining(
        "replication.port must be -1 (off) or 0..65535, was 70000");
    assertThatThrownBy(() -> fromFlags("--replication-port", "5555")).hasMessageContaining(
        "replication port must differ from the http and grpc ports");
    Path cert = Files.writeString(dir.resolve("c.pem"), "pem");
    assertThatThrownBy(() -> fromFlags("--tls-cert", cert.toString())).hasMessageContaining(
        "replication.tls.cert and replication.tls.key must be given together");
    assertThatThrownBy(() -> fromFlags("--tls-cert", cert.toString(), "--tls-key", dir.resolve("none").toString()))
        .hasMessageContaining("replication.tls.key: cannot read");
    assertThatThrownBy(() -> fromFlags("--tls-trust", cert.toString())).hasMessageContaining(
        "replication.tls.trust needs replication.tls.cert");
  }

  @Test
  void shouldLetADedicatedFlagWinOverSetAndKeepSetOtherwise() {
    assertThat(fromFlags("--set", "replication.port=6001").replication().port()).isEqualTo(6001);
    assertThat(fromFlags("--set", "replication.port=6001", "--replication-port", "6002").replication().port())
        .isEqualTo(6002);
    assertThat(fromFlags("--set", "httpPort=6003").httpPort()).isEqualTo(6003);
  }
}
