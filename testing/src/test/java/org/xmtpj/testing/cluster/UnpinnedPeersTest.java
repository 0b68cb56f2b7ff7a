package org.xmtpj.testing.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xmtpj.node.replication.ReplicationConfig;
import org.xmtpj.testing.TestClients;
import org.xmtpj.testing.cluster.LocalCluster.Mode;

/**
 * Two nodes that list each other without keys (the README's {@code --peer HOST:PORT}) learn each other's key in
 * the handshake and replicate both ways, whichever dials first. Peers come from a peers file written once both
 * nodes have bound their ports, so no port is guessed.
 */
class UnpinnedPeersTest {
  /** The node's own interval (30 s): only the live push, not an anti-entropy round, can deliver within 5 s. */
  private static final Duration NODE_DEFAULT_ANTI_ENTROPY = ReplicationConfig.defaults().antiEntropyInterval();
  private static final TestClients CLIENT = TestClients.newIdentity();

  @TempDir
  Path dir;

  @ParameterizedTest(name = "node {0} publishes first")
  @ValueSource(ints = {0, 1})
  void shouldReplicateBothWaysWithinFiveSecondsOfTheFirstPublish(int first) throws Exception {
    try (LocalCluster cluster = LocalCluster.builder(Mode.IN_JVM, dir).nodes(2).unpinnedPeers()
        .antiEntropyInterval(NODE_DEFAULT_ANTI_ENTROPY).start()) {
      assertThat(Files.readString(dir.resolve("node1.peers")))
          .as("the peers file lists the other node without its key")
          .contains("127.0.0.1:" + cluster.node(1).replicationPort()).doesNotContain(cluster.node(1).nodeKey());
      cluster.awaitStatus("each node knows exactly the other", live -> live.stream().allMatch(s -> s.peers() == 1));

      ClusterNode one = cluster.node(first);
      ClusterNode other = cluster.node(1 - first);
      String topic = "/xmtp/0/unpinned-" + first + "/proto";
      assertThat(CLIENT.publish(one.httpUrl(), List.of(TestClients.envelope(topic, utf8("first"))))
          .status()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(messages(other, topic)).contains("first"));

      assertThat(CLIENT.publish(other.httpUrl(), List.of(TestClients.envelope(topic, utf8("back"))))
          .status()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(messages(one, topic)).contains("back"));
    }
  }

  private static List<String> messages(ClusterNode node, String topic) throws Exception {
    return CLIENT.queryAll(node.httpUrl(), topic).stream().map(e -> e.getMessage().toString(StandardCharsets.UTF_8))
        .toList();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
