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
import org.xmtpj.node.chain.ChainConfig;
import picocli.CommandLine;

class ChainSettingsTest {
  @TempDir
  Path dir;

  private static NodeConfig build(Map<String, String> env, String... args) {
    StartCommand cmd = new StartCommand();
    new CommandLine(cmd).parseArgs(args);
    return ConfigLoader.build(Settings.resolve(Map.of(), env, cmd.flagSettings()));
  }

  @Test
  void shouldUseTheChainWhenRpcAndDeploymentAreGivenAndReadTheOperatorKeyFromItsFile() throws Exception {
    Path deployment = Files.writeString(dir.resolve("deployment.json"), "{}");
    Path key = Files.writeString(dir.resolve("operator.key"), "0x" + "ab".repeat(32) + "\n");

    ChainConfig c = build(Map.of(), "--chain-rpc", "http://127.0.0.1:8545", "--deployment", deployment.toString(),
        "--operator-key-file", key.toString(), "--set", "chain.pollInterval=500ms").chain();

    assertThat(c.rpcUrl()).isEqualTo("http://127.0.0.1:8545");
    assertThat(c.deploymentFile()).isEqualTo(deployment);
    assertThat(c.pollInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.operatorKey()).isEqualTo("0x" + "ab".repeat(32));
    assertThat(c.describe()).doesNotContain("ab".repeat(32)).contains("epochKeeper=on");
  }

  @Test
  void shouldTakeTheChainFromTheEnvironmentAndStayStaticWithoutIt() throws Exception {
    Path deployment = Files.writeString(dir.resolve("d.json"), "{}");

    assertThat(build(Map.of()).chain()).isNull();
    ChainConfig c = build(Map.of("XMTPD_CHAIN_RPC", "https://rpc.example", "XMTPD_CHAIN_DEPLOYMENT",
        deployment.toString())).chain();
    assertThat(c.rpcUrl()).isEqualTo("https://rpc.example");
    assertThat(c.operatorKey()).isNull();
  }

  @Test
  void shouldRejectIncompleteOrContradictoryChainSettings() throws Exception {
    Path deployment = Files.writeString(dir.resolve("d.json"), "{}");

    assertThatThrownBy(() -> build(Map.of(), "--chain-rpc", "http://x:1"))
        .hasMessageContaining("chain.deployment (the deployment file) is required");
    assertThatThrownBy(() -> build(Map.of(), "--deployment", deployment.toString()))
        .hasMessageContaining("chain.rpc is not");
    assertThatThrownBy(() -> build(Map.of(), "--chain-rpc", "http://x:1", "--deployment", deployment.toString(),
        "--peer", "h:1")).hasMessageContaining("exclude each other");
    assertThatThrownBy(() -> build(Map.of(), "--chain-rpc", "http://x:1", "--deployment",
        dir.resolve("missing.json").toString())).hasMessageContaining("cannot read");
    assertThatThrownBy(() -> build(Map.of(), "--chain-rpc", "http://x:1", "--deployment", deployment.toString(),
        "--set", "chain.confirmations=-1")).hasMessageContaining("confirmations must be 0..1000");
  }
}
