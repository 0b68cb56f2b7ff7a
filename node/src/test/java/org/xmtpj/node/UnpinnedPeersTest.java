package org.xmtpj.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two nodes that list each other without keys (the README's {@code --peer HOST:PORT}) learn each other's key in
 * the handshake and replicate both ways, whichever dials first. Peers come from a peers file written once both
 * nodes have bound their ports, so no port is guessed.
 */
class UnpinnedPeersTest {
  @TempDir Path dir;
  private NodeFixture a;
  private NodeFixture b;

  @AfterEach
  void close() {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  @ParameterizedTest(name = "node {0} publishes first")
  @ValueSource(ints = {0, 1})
  void shouldReplicateBothWaysWithinFiveSecondsOfTheFirstPublish(int first) throws Exception {
    a = new NodeFixture(dir.resolve("a"), c -> c.withReplication(c.replication().withPeersFile(dir.resolve("a.peers"))));
    b = new NodeFixture(dir.resolve("b"), c -> c.withReplication(c.replication().withPeersFile(dir.resolve("b.peers"))));
    writeAtomically(dir.resolve("a.peers"), "127.0.0.1:" + b.node.replicationPort() + "\n");
    writeAtomically(dir.resolve("b.peers"), "# no key: learned from the handshake\n127.0.0.1:"
        + a.node.replicationPort() + "\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> a.node.replicator().status().peers() == 1
        && b.node.replicator().status().peers() == 1);

    NodeFixture one = first == 0 ? a : b;
    NodeFixture other = first == 0 ? b : a;
    String topic = "/xmtp/0/unpinned-" + first + "/proto";
    assertThat(one.publish(one.alice, topic, 1_000, "first".getBytes(StandardCharsets.UTF_8)).statusCode())
        .isEqualTo(200);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(other.query(topic, 10, null, null).body()).contains(base64("first")));

    assertThat(other.publish(other.alice, topic, 2_000, "back".getBytes(StandardCharsets.UTF_8)).statusCode())
        .isEqualTo(200);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(one.query(topic, 10, null, null).body()).contains(base64("back")));
  }

  private static String base64(String s) {
    return java.util.Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static void writeAtomically(Path file, String content) throws Exception {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, content);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
