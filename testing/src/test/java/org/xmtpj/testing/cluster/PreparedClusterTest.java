package org.xmtpj.testing.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtpj.testing.TestClients;
import org.xmtpj.testing.TestClients.HttpResult;
import org.xmtpj.testing.cluster.LocalCluster.Mode;

/**
 * A prepared cluster (what a benchmark lays out before it starts anything): keys and peers files exist before any
 * node runs, each node starts when the test says, and peers are the test's to write.
 */
class PreparedClusterTest {
  private static final TestClients CLIENT = TestClients.newIdentity();
  private static final String TOPIC = "/xmtp/0/m-prepared/proto";

  @TempDir
  Path dir;

  @Test
  void shouldGiveEveryNodeItsKeyBeforeItRunsAndKeepItWhenItStarts() throws Exception {
    try (LocalCluster cluster = LocalCluster.builder(Mode.IN_JVM, dir).nodes(2).prepare()) {
      String key = cluster.node(0).nodeKey();
      assertThat(cluster.node(0).isRunning()).isFalse();
      assertThat(Files.exists(dir.resolve("node1").resolve("node_key"))).isTrue();
      assertThatThrownBy(() -> cluster.node(0).httpPort()).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("has not been started");
      assertThat(cluster.statuses()).as("no node runs yet").isEmpty();

      cluster.node(0).start();
      assertThat(cluster.node(0).nodeKey()).isEqualTo(key);
      assertThat(cluster.statuses()).hasSize(1);
      assertThat(cluster.statuses().get(0).node()).isEqualTo(key);
      assertThatThrownBy(() -> cluster.node(0).start()).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("runs already");
    }
  }

  @Test
  void shouldCatchUpANodeStartedLaterOnceTheMeshNamesIt() throws Exception {
    try (LocalCluster cluster = LocalCluster.builder(Mode.IN_JVM, dir).nodes(2).prepare()) {
      cluster.node(0).start();
      HttpResult r = CLIENT.publish(cluster.node(0).httpUrl(),
          List.of(TestClients.envelope(TOPIC, "before node 2".getBytes(StandardCharsets.UTF_8))));
      assertThat(r.status()).as(r.body()).isEqualTo(200);

      cluster.node(1).start();
      assertThat(cluster.statuses().get(1).events()).as("node 2 started with no peers").isZero();
      cluster.mesh();
      cluster.awaitAgreement();
      assertThat(cluster.statuses()).allSatisfy(s -> assertThat(s.events()).isEqualTo(1));
      assertThat(Files.readString(dir.resolve("node2.peers"))).contains(cluster.peerSpec(0));
    }
  }

  @Test
  void shouldWriteExactlyThePeersATestGivesANode() throws Exception {
    try (LocalCluster cluster = LocalCluster.builder(Mode.IN_JVM, dir).nodes(2).prepare()) {
      cluster.node(0).start();
      cluster.node(1).start();
      cluster.setPeers(1, List.of(cluster.peerSpec(0)));
      cluster.awaitStatus("node 2 reads the peer it was given", st -> st.get(1).peers() == 1);
      assertThat(Files.readAllLines(dir.resolve("node2.peers")).stream().filter(l -> !l.startsWith("#")))
          .containsExactly(cluster.peerSpec(0));
      assertThat(cluster.peerSpec(0, 4242)).isEqualTo(cluster.node(0).nodeKey() + "@127.0.0.1:4242");
    }
  }
}
