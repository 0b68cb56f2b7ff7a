package org.xmtpj.testing.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtpj.chain.local.LocalChain;
import org.xmtpj.chain.staking.ActiveSet;
import org.xmtpj.chain.token.TokenClient;
import org.xmtpj.cli.Main;
import org.xmtpj.testing.TestClients;
import org.xmtpj.testing.cluster.ChainNetwork;
import org.xmtpj.testing.cluster.LocalCluster;
import org.xmtpj.testing.cluster.LocalCluster.Mode;
import picocli.CommandLine;

/**
 * The chain-backed devnet end to end: a real Hardhat chain with the contracts, and real node processes whose
 * peers come from the active set (top 3 by stake). Epochs are advanced by the nodes' own epoch keepers once the
 * test moves the chain clock; the 4th node and the delegator act through the {@code xmtpd} operator commands.
 */
class ChainDevnetIT {
  private static final int TOP_N = 3;
  private static final long EPOCH_SECONDS = 60;
  private static final Duration SETTLE = Duration.ofSeconds(60);

  @TempDir
  static Path dir;

  static LocalCluster cluster;
  static ChainNetwork net;
  final TestClients client = TestClients.newIdentity();

  @BeforeAll
  static void startChain() {
    cluster = LocalCluster.builder(Mode.PROCESS, dir).nodes(4).awaitTimeout(SETTLE)
        .chain(LocalChain.builder().deployParameter("maxActiveNodes", TOP_N)
            .deployParameter("epochLength", EPOCH_SECONDS).start()).start();
    net = cluster.chain();
  }

  @AfterAll
  static void stopAll() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void shouldFollowTheActiveSetAsNodesJoinAndDropOutAndPayTheDelegatorsRewards() throws Exception {
    for (int i = 1; i <= 3; i++) {
      assertThat(net.provision(i, 20_000)).isEqualTo(i);
    }
    net.staking(0).advanceEpoch();
    for (int i = 1; i <= 3; i++) {
      net.start(i);
    }
    net.awaitActiveSet(List.of(1L, 2L, 3L), 1, 2, 3);
    String topic = "/xmtp/0/m-chain-devnet/proto";
    publish(1, topic, "before-4");
    awaitStored(topic, "before-4", 2, 3);

    // a 4th operator registers and stakes more than the others, through the operator commands
    net.fund(4, 40_000);
    net.launch(4); // as an operator would: start the node, then register the endpoint it bound
    xmtpd("register", "--key-file", net.keyFile(4).toString(), "--data-dir", net.node(4).dataDir().toString(),
        "--endpoint", net.endpoint(4), "--commission", "5");
    String staked = xmtpd("stake", "30000", "--key-file", net.keyFile(4).toString());
    assertThat(staked).contains("self-staked 30,000 tokens on node 4");
    nextEpochByKeepers(); // top 3: node 4 (30k), then nodes 1 and 2 (20k, lower ids win the tie); node 3 drops out
    net.awaitActiveSet(List.of(4L, 1L, 2L), 1, 2, 4);
    net.awaitBootstrapped(4);
    awaitStored(topic, "before-4", 4);
    publish(4, topic, "from-4");
    awaitStored(topic, "from-4", 1, 2);
    for (int n : new int[] {1, 2, 4}) {
      net.await("node " + n + " replicates with 2 peers", () -> cluster.status(n - 1).peers() == 2);
    }
    long roundsBefore = syncRounds(1);
    publish(3, topic, "from-3-while-out");
    // two anti-entropy rounds of node 1 (2 s apart, as node 3's are): node 3 would have pushed it meanwhile
    net.await("node 1 ran 2 more anti-entropy rounds", () -> syncRounds(1) >= roundsBefore + 2);
    assertThat(stored(1, topic)).as("a node out of the active set is not accepted as a peer")
        .doesNotContain("from-3-while-out");

    // a delegator backs node 3 so that it ranks first again; node 2 drops out
    net.fund(5, 20_000);
    String delegated = xmtpd("delegate", "3", "15000", "--key-file", net.keyFile(5).toString());
    assertThat(delegated).contains("delegated 15,000 tokens on node 3; its total stake is now 35,000 tokens");
    nextEpochByKeepers();
    net.awaitActiveSet(List.of(3L, 4L, 1L), 1, 3, 4);
    awaitStored(topic, "from-3-while-out", 1, 4);
    awaitStored(topic, "from-4", 3);

    // one more epoch credits the period in which node 3 was active; the delegator claims its share
    nextEpochByKeepers();
    String pending = xmtpd("rewards", "--key-file", net.keyFile(5).toString());
    assertThat(pending).containsPattern("node 3: stake 15,000 tokens, rewards [0-9.,]+ tokens");
    BigInteger before = TokenClient.connect(net.session()).balanceOf(net.address(5));
    String claimed = xmtpd("rewards", "--claim", "--key-file", net.keyFile(5).toString());
    BigInteger gained = TokenClient.connect(net.session()).balanceOf(net.address(5)).subtract(before);
    assertThat(gained).isPositive();
    assertThat(claimed).contains("(claimed)").contains("claimed " + showTokens(gained));
    assertThat(net.staking(0).pendingRewards(net.address(5), 3)).isZero();
  }

  // ------------------------------------------------------------------ steps

  /** Moves the chain clock one epoch on; the nodes' keepers must notice and snapshot the new epoch. */
  private static void nextEpochByKeepers() {
    long before = net.staking(0).currentActiveSet().map(ActiveSet::snapshotEpoch).orElse(-1L);
    net.chain().increaseTime(Duration.ofSeconds(EPOCH_SECONDS));
    net.await("the keepers snapshot the epoch after " + before, () ->
        net.staking(0).currentActiveSet().map(ActiveSet::snapshotEpoch).orElse(-1L) > before);
  }

  /** Anti-entropy rounds node {@code node} has completed with its peers (its xmtpd_replication_sync_rounds). */
  private static long syncRounds(int node) {
    return (long) net.metrics(node).sum("xmtpd_replication_sync_rounds_total");
  }

  private void publish(int node, String topic, String text) throws IOException, InterruptedException {
    var r = client.publish(net.node(node).httpUrl(), List.of(TestClients.envelope(topic, text.getBytes())));
    assertThat(r.acked()).as(r.body()).isTrue();
  }

  private void awaitStored(String topic, String text, int... on) {
    for (int n : on) {
      await().atMost(SETTLE).pollInterval(Duration.ofMillis(250)).until(() -> stored(n, topic).contains(text));
    }
  }

  private List<String> stored(int node, String topic) throws IOException, InterruptedException {
    return client.queryAll(net.node(node).httpUrl(), topic).stream()
        .map(e -> e.getMessage().toStringUtf8()).toList();
  }

  /** Runs an xmtpd command in this JVM against the test chain and returns what it printed. */
  private static String xmtpd(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--chain-rpc", net.chain().rpcUrl(), "--deployment",
        net.chain().deploymentFile().toString()));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
        .execute(all.toArray(String[]::new));
    assertThat(code).as("xmtpd %s: %s%s", all, out, err).isZero();
    return out.toString();
  }

  private static String showTokens(BigInteger baseUnits) {
    var t = TokenClient.toTokens(baseUnits);
    return String.format("%,." + Math.max(0, Math.min(6, t.scale())) + "f", t) + " tokens";
  }
}
