package org.xmtpj.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtpj.node.NodeKey;
import org.xmtpj.node.NodePorts;

class DevnetPlanTest {
  @TempDir
  Path dir;

  @Test
  void shouldGiveEachNodeItsPortsDirectoryAndEveryOtherNodeAsAPinnedPeer() {
    DevnetPlan plan = DevnetPlan.create(3, 5555, dir);
    DevnetPlan.Node n1 = plan.nodes().get(0);
    DevnetPlan.Node n2 = plan.nodes().get(1);
    assertThat(List.of(n1.httpPort(), n1.grpcPort(), n1.replicationPort())).containsExactly(5555, 5556, 5557);
    assertThat(List.of(n2.httpPort(), n2.grpcPort(), n2.replicationPort())).containsExactly(5565, 5566, 5567);
    assertThat(n2.dataDir()).isEqualTo(dir.toAbsolutePath().resolve("node-2"));
    assertThat(n1.key()).isEqualTo(java.util.HexFormat.of().formatHex(
        NodeKey.loadOrCreate(n1.dataDir()).publicKey())).hasSize(64);

    List<String> cmd = plan.command(n2, "/jdk/bin/java", "a.jar:b.jar", List.of("-Xmx256m"));
    assertThat(cmd).startsWith("/jdk/bin/java", "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-cp",
        "a.jar:b.jar", "org.xmtpj.cli.Main", "start");
    assertThat(String.join(" ", cmd)).contains("--http-port 5565 --grpc-port 5566 --replication-port 5567",
        "--host 127.0.0.1", "--data-dir " + n2.dataDir(),
        "--peer " + n1.key() + "@127.0.0.1:5557", "--peer " + plan.nodes().get(2).key() + "@127.0.0.1:5577");
    assertThat(String.join(" ", cmd)).doesNotContain(n2.key());
    assertThat(plan.table()).contains("http://127.0.0.1:5565", "127.0.0.1:5576", n2.log().toString());
  }

  @Test
  void shouldPointEveryNodeAtTheChainWithItsOperatorKeyInsteadOfPinningPeers() {
    DevnetPlan plan = DevnetPlan.create(3, 5555, dir)
        .withChain(new DevnetPlan.Chain("http://127.0.0.1:8545", dir.resolve("chain/deployment.json")));
    DevnetPlan.Node n2 = plan.nodes().get(1);

    String cmd = String.join(" ", plan.command(n2, "/jdk/bin/java", "a.jar", List.of()));

    assertThat(cmd).contains("--chain-rpc http://127.0.0.1:8545",
        "--deployment " + dir.resolve("chain/deployment.json"),
        "--operator-key-file " + n2.dataDir().resolve("operator.key"), "--replication-port 5567");
    assertThat(cmd).doesNotContain("--peer");
    assertThat(n2.endpoint()).isEqualTo("127.0.0.1:5567");
    assertThat(plan.table()).contains("chain: http://127.0.0.1:8545");
  }

  @Test
  void shouldBindPortZeroAndPinPeersThroughAPeersFileOnceThePortsAreKnown() {
    DevnetPlan plan = DevnetPlan.create(2, 0, dir);
    DevnetPlan.Node n1 = plan.nodes().get(0);
    DevnetPlan.Node n2 = plan.nodes().get(1);
    assertThat(n2.unbound()).isTrue();
    assertThat(n2.endpoint()).isEqualTo(DevnetPlan.UNBOUND);

    String cmd = String.join(" ", plan.command(n2, "/jdk/bin/java", "a.jar", List.of()));
    assertThat(cmd).contains("--http-port 0 --grpc-port 0 --replication-port 0",
        "--peers-file " + n2.dataDir().resolve("peers.txt"));
    assertThat(cmd).doesNotContain("--peer ");

    DevnetPlan bound = plan.withPorts(List.of(new NodePorts(n1.key(), 40001, 40002, 40003),
        new NodePorts(n2.key(), 41001, 41002, 41003)));
    assertThat(bound.nodes().get(1).httpUrl()).isEqualTo("http://127.0.0.1:41001");
    assertThat(bound.nodes().get(1).endpoint()).isEqualTo("127.0.0.1:41003");
    assertThat(bound.peersOf(bound.nodes().get(1))).containsExactly(n1.key() + "@127.0.0.1:40003");
    assertThat(bound.table()).contains("http://127.0.0.1:40001", "127.0.0.1:41002", "127.0.0.1:41003");
  }

  @Test
  void shouldRefusePortsReportedByAnotherNode() {
    DevnetPlan plan = DevnetPlan.create(2, 0, dir);
    String key1 = plan.nodes().get(0).key();
    assertThatThrownBy(() -> plan.withPorts(List.of(new NodePorts(key1, 1, 2, 3), new NodePorts(key1, 4, 5, 6))))
        .hasMessageContaining("not node 2");
  }

  @Test
  void shouldReuseKeysOnASecondRun() {
    String first = DevnetPlan.create(2, 7000, dir).nodes().get(1).key();
    assertThat(DevnetPlan.create(2, 7000, dir).nodes().get(1).key()).isEqualTo(first);
  }

  @Test
  void shouldRejectImpossibleLayouts() {
    assertThatThrownBy(() -> DevnetPlan.create(0, 5555, dir)).hasMessageContaining("--nodes must be 1..100");
    assertThatThrownBy(() -> DevnetPlan.create(3, 65_520, dir)).hasMessageContaining("leaves no room for 3 nodes");
    assertThatThrownBy(() -> DevnetPlan.create(3, -1, dir)).hasMessageContaining("--base-port -1");
  }
}
