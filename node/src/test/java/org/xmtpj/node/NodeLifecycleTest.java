package org.xmtpj.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeLifecycleTest {
  @TempDir
  Path dir;

  @Test
  void shouldCreateNodeKeyOnFirstStartAndKeepItAcrossRestarts() throws Exception {
    String first;
    try (NodeFixture f = new NodeFixture(dir)) {
      first = f.node.nodeId();
      f.publish(f.alice, "/xmtp/0/m-k/proto", 1, new byte[] {1});
    }
    assertThat(Files.readString(dir.resolve("node_key")).trim()).matches("[0-9a-f]{64}");
    assertThat(Files.getPosixFilePermissions(dir.resolve("node_key")).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");
    try (NodeFixture f = new NodeFixture(dir)) {
      assertThat(f.node.nodeId()).isEqualTo(first);
      assertThat(HttpGatewayTest.parseQuery(f.query("/xmtp/0/m-k/proto", 0, null, null).body()).getEnvelopesCount())
          .isEqualTo(1);
    }
  }

  @Test
  void shouldRefuseACorruptNodeKeyRatherThanReplaceIt() throws Exception {
    Files.writeString(dir.resolve("node_key"), "not a key");
    assertThatThrownBy(() -> new NodeFixture(dir)).hasMessageContaining("not a 32-byte hex Ed25519 private key");
  }

  @Test
  void shouldSendKeepAliveLinesOnAnIdleStream() throws Exception {
    try (NodeFixture f = new NodeFixture(dir, c -> c.withKeepAlive(Duration.ofMillis(300)));
        StreamReader stream = StreamReader.open(f, List.of("/xmtp/0/m-idle/proto"))) {
      assertThat(stream.nextRaw(5, TimeUnit.SECONDS)).isEqualTo("{\"result\":{}}");
      assertThat(stream.nextRaw(5, TimeUnit.SECONDS)).isEqualTo("{\"result\":{}}");
    }
  }

  @Test
  void shouldForgetSubscriptionWhenClientDisconnects() throws Exception {
    try (NodeFixture f = new NodeFixture(dir, c -> c.withKeepAlive(Duration.ofMillis(200)))) {
      StreamReader stream = StreamReader.open(f, List.of("/xmtp/0/m-gone/proto"));
      assertThat(f.node.activeSubscriptions()).isEqualTo(1);
      stream.close();
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(f.node.activeSubscriptions()).isZero());
    }
  }

  @Test
  void shouldRejectInvalidConfiguration() {
    NodeConfig ok = NodeConfig.defaults(dir);
    assertThatThrownBy(() -> ok.withPorts("127.0.0.1", 7000, 7000)).hasMessageContaining("must differ");
    assertThatThrownBy(() -> ok.withPorts("127.0.0.1", 70000, 1)).hasMessageContaining("0..65535");
    assertThatThrownBy(() -> ok.withKeepAlive(Duration.ofMinutes(5))).hasMessageContaining("30 s");
  }
}
