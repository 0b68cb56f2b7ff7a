package org.xmtpj.testing.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtpj.chain.checkpoint.CheckpointsClient;
import org.xmtpj.chain.checkpoint.FinalizedCheckpoint;
import org.xmtpj.chain.local.LocalChain;
import org.xmtpj.testing.FaultProxy;
import org.xmtpj.testing.TestClients;
import org.xmtpj.testing.cluster.ChainNetwork;
import org.xmtpj.testing.cluster.ClusterNode;
import org.xmtpj.testing.cluster.LocalCluster;
import org.xmtpj.testing.cluster.LocalCluster.Mode;

/**
 * Issue 6's devnet test: 4 equally staked node processes on a real chain with 8 s epochs and rewards gated by
 * checkpoints, under a steady message load. Every inbound replication link of node i passes through proxy i (its
 * registered endpoint), so the test can isolate nodes. Node 3 is byzantine: it also signs a second root every epoch.
 */
class ConsensusDevnetIT {
  private static final long EPOCH_SECONDS = 8;
  private static final long STAKE = 20_000;
  private static final Duration WAIT = Duration.ofSeconds(120);
  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) // node logs stay for a failed run
  static Path dir;
  static LocalCluster cluster;
  static ChainNetwork net;
  static CheckpointsClient checkpoints;
  static Map<Integer, FaultProxy> proxies;
  static final AtomicBoolean load = new AtomicBoolean(true);
  static final TestClients client = TestClients.newIdentity();

  @BeforeAll
  static void start() {
    cluster = LocalCluster.builder(Mode.PROCESS, dir).nodes(4).awaitTimeout(WAIT)
        .chain(LocalChain.builder().deployParameter("epochLength", EPOCH_SECONDS)
            .deployParameter("gateRewardsByCheckpoints", true).start()).start();
    net = cluster.chain();
    checkpoints = net.checkpoints();
    for (int i = 1; i <= 4; i++) {
      // peers reach node i through its proxy: registered now, pointed at the node once it has bound its port
      net.provisionBehindProxy(i, STAKE);
    }
    proxies = net.proxies();
    net.staking(0).advanceEpoch();
    for (int i = 1; i <= 4; i++) {
      net.launch(i, i == 3 ? new String[] {"--set", "chain.faultEquivocate=true"} : new String[0]);
    }
    for (int i = 1; i <= 4; i++) {
      net.awaitBootstrapped(i);
    }
    Thread loader = Thread.ofVirtual().start(ConsensusDevnetIT::steadyLoad);
    loader.setName("load");
  }

  /** About 5 messages a second, each to a random live node. */
  private static void steadyLoad() {
    int n = 0;
    while (load.get()) {
      int node = 1 + (n++ % 4);
      ClusterNode p = net.node(node);
      try {
        if (p.isRunning()) {
          client.publish(p.httpUrl(), List.of(TestClients.envelope("/xmtp/0/m-load-" + (n % 7) + "/proto",
              ("load " + n).getBytes(StandardCharsets.UTF_8))));
        }
        Thread.sleep(200); // paces the load (about 5 a second); it waits for nothing
      } catch (Exception e) {
        // a node being stopped or isolated: the load goes on elsewhere
      }
    }
  }

  /** Node {@code node}'s count of epochs it gave up checkpointing (xmtpd_checkpoint_stalled_epochs). */
  private static double stalledEpochs(int node) {
    return net.metrics(node).sum("xmtpd_checkpoint_stalled_epochs_total");
  }

  @AfterAll
  static void stop() {
    load.set(false);
    if (cluster != null) {
      cluster.close(); // the nodes, then the proxies and the chain
    }
  }

  @Test
  void shouldFinalizeEpochsSlashTheEquivocatorSkipTheAbsentAndStallUnderPartition() throws Exception {
    // 1. consecutive epochs finalize under load
    long first = net.awaitFinalized(e -> true).epoch();
    for (long e = first + 1; e <= first + 2; e++) {
      long epoch = e;
      net.await("epoch " + epoch + " finalized", () -> checkpoints.checkpoint(epoch).isPresent());
    }

    // 2. the equivocating node 3 is slashed through evidence some node submitted
    net.await("node 3 slashed for one of epochs " + first + " to " + (first + 2), () ->
        checkpoints.isSlashed(first, 3) || checkpoints.isSlashed(first + 1, 3) || checkpoints.isSlashed(first + 2, 3));
    assertThat(net.staking(0).totalStakeOf(3)).isLessThan(net.staking(0).totalStakeOf(1));

    // 3. node 4 is down: the epochs finalized meanwhile are signed without it and pay it nothing
    net.node(4).stop();
    FinalizedCheckpoint without = net.awaitFinalized(c -> !c.signers().contains(4L));
    BigInteger node4Rewards = net.staking(0).pendingRewards(net.address(4), 4);
    BigInteger node1Rewards = net.staking(0).pendingRewards(net.address(1), 1);
    long next = without.epoch() + 1;
    net.await("epoch " + next + " finalized", () -> checkpoints.checkpoint(next).isPresent());
    assertThat(checkpoints.checkpoint(next).orElseThrow().signers()).doesNotContain(4L);
    assertThat(net.staking(0).pendingRewards(net.address(4), 4)).as("nothing for epochs it did not sign")
        .isEqualTo(node4Rewards);
    assertThat(net.staking(0).pendingRewards(net.address(1), 1)).isGreaterThan(node1Rewards);
    net.node(4).restart();
    net.awaitFinalized(c -> c.epoch() > next && c.signers().contains(4L));

    // 4. every node isolated (each side < 2/3 of the stake), each with its own messages: no checkpoint
    long before = checkpoints.lastFinalizedEpoch().orElseThrow();
    proxies.values().forEach(FaultProxy::cut);
    long cutAt = net.staking(0).currentEpoch();
    for (int i = 1; i <= 4; i++) {
      client.publish(net.node(i).httpUrl(), List.of(TestClients.envelope("/xmtp/0/m-split-" + i + "/proto",
          ("only on " + i).getBytes(StandardCharsets.UTF_8))));
    }
    // what must have happened before the absence is checked: the chain moved three epochs on, and node 1 gave up
    // on at least one of them (its stall counter); only then is "no checkpoint" a finding rather than a guess
    net.await("three epochs on from " + cutAt + ", and node 1 stalled on one", () ->
        net.staking(0).currentEpoch() >= cutAt + 3 && stalledEpochs(1) >= 1);
    long healedAt = net.staking(0).currentEpoch();
    for (long e = cutAt + 1; e < healedAt; e++) {
      assertThat(checkpoints.checkpoint(e)).as("epoch %d, computed while partitioned", e).isEmpty();
    }
    assertThat(java.nio.file.Files.readString(net.process(1).logFile())).contains("has no checkpoint");
    proxies.values().forEach(FaultProxy::heal);
    FinalizedCheckpoint resumed = net.awaitFinalized(c -> c.epoch() > healedAt);
    assertThat(resumed.epoch()).isGreaterThan(before);
  }
}
