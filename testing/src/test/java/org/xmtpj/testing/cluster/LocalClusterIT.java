package org.xmtpj.testing.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xmtp.proto.message.api.v1.Envelope;
import org.xmtpj.testing.FaultProxy;
import org.xmtpj.testing.TestClients;
import org.xmtpj.testing.TestClients.HttpResult;
import org.xmtpj.testing.cluster.LocalCluster.Mode;

/** The cluster harness in both modes: replication to every node, agreement, restart on the same ports, a cut link. */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class LocalClusterIT {
  private static final Duration REPLICATED_WITHIN = Duration.ofSeconds(60);
  private static final TestClients CLIENT = TestClients.newIdentity();

  // kept when a test fails: the nodes' data directories and (in process mode) their logs
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @ParameterizedTest(name = "{0}")
  @EnumSource(Mode.class)
  void shouldReplicateAPublishToEveryNodeAndAgree(Mode mode) throws Exception {
    try (LocalCluster cluster = LocalCluster.builder(mode, dir).nodes(3).start()) {
      String emptyFingerprint = cluster.status(0).fingerprint();
      String topic = topic(mode);
      Envelope sent = publish(cluster.node(0), topic);

      for (ClusterNode node : cluster.nodes()) {
        awaitHolds(node, topic, sent);
      }
      cluster.awaitAgreement();
      String origin = cluster.node(0).nodeKey();
      for (int i = 0; i < cluster.size(); i++) {
        ReplicationStatus s = cluster.status(i);
        assertThat(s.fingerprint()).as("%s's fingerprint after the publish", cluster.node(i).name())
            .isNotEqualTo(emptyFingerprint);
        assertThat(s.contiguous(origin)).as("node1's events on %s", cluster.node(i).name()).isEqualTo(1);
        assertThat(s.peers()).as("peers of %s", cluster.node(i).name()).isEqualTo(2);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Mode.class)
  void shouldRestartANodeOnItsPortsAndCatchItUp(Mode mode) throws Exception {
    try (LocalCluster cluster = LocalCluster.builder(mode, dir).nodes(3).start()) {
      ClusterNode third = cluster.node(2);
      List<Integer> ports = List.of(third.httpPort(), third.grpcPort(), third.replicationPort());
      String key = third.nodeKey();
      third.kill();
      assertThat(third.isRunning()).isFalse();

      String topic = topic(mode);
      Envelope whileDown = publish(cluster.node(0), topic);
      awaitHolds(cluster.node(1), topic, whileDown);
      third.restart();

      assertThat(third.isRunning()).isTrue();
      assertThat(List.of(third.httpPort(), third.grpcPort(), third.replicationPort()))
          .as("ports after the restart").isEqualTo(ports);
      assertThat(cluster.status(2).node()).as("the key the node serves with after the restart").isEqualTo(key);
      awaitHolds(third, topic, whileDown);
      cluster.awaitBootstrapped().awaitAgreement();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Mode.class)
  void shouldCatchUpAnIsolatedNodeOnceItsLinksHeal(Mode mode) throws Exception {
    try (LocalCluster cluster = LocalCluster.builder(mode, dir).nodes(3).faultProxies(Duration.ZERO).start()) {
      String origin = cluster.node(0).nodeKey();
      long before = cluster.status(2).contiguous(origin);
      List<FaultProxy> node3Links = List.of(cluster.link(0, 2), cluster.link(2, 0), cluster.link(1, 2),
          cluster.link(2, 1));
      node3Links.forEach(FaultProxy::cut);
      long refusedBefore = cluster.link(0, 2).refusedConnections();
      List<Long> bytesAtCut = node3Links.stream().map(FaultProxy::bytesForwarded).toList();

      String topic = topic(mode);
      Envelope sent = publish(cluster.node(0), topic);
      awaitHolds(cluster.node(1), topic, sent);
      // what would have carried the event to node 3: node 1 dialling it (its push, or an anti-entropy round)
      Awaitility.await("node1 tried to reach the isolated node3").atMost(REPLICATED_WITHIN)
          .until(() -> cluster.link(0, 2).refusedConnections() > refusedBefore);

      assertThat(cluster.status(2).contiguous(origin)).as("node1's events on node3 while it is cut off")
          .isEqualTo(before);
      assertThat(node3Links.stream().map(FaultProxy::bytesForwarded).toList())
          .as("bytes through node3's links while they are cut").isEqualTo(bytesAtCut);

      node3Links.forEach(FaultProxy::heal);
      awaitHolds(cluster.node(2), topic, sent);
      cluster.awaitAgreement();
      assertThat(cluster.status(2).contiguous(origin)).as("node1's events on node3 after the heal")
          .isEqualTo(before + 1);
    }
  }

  private static String topic(Mode mode) {
    return "/xmtp/0/m-local-cluster-" + mode.name().toLowerCase() + "-" + Long.toHexString(System.nanoTime())
        + "/proto";
  }

  private static Envelope publish(ClusterNode node, String topic) throws Exception {
    Envelope e = TestClients.envelope(topic, ("from " + node.name() + " at " + System.nanoTime())
        .getBytes(StandardCharsets.UTF_8));
    HttpResult r = CLIENT.publish(node.httpUrl(), List.of(e));
    assertThat(r.acked()).as("publish on %s answered %s", node.name(), r).isTrue();
    return e;
  }

  private static void awaitHolds(ClusterNode node, String topic, Envelope sent) {
    Awaitility.await(node.name() + " holds the envelope published on " + topic).atMost(REPLICATED_WITHIN)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> CLIENT.queryAll(node.httpUrl(), topic).stream()
            .anyMatch(e -> e.getMessage().equals(sent.getMessage())));
  }
}
