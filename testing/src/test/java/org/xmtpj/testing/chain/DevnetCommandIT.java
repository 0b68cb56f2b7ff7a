package org.xmtpj.testing.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtpj.node.NodePorts;
import org.xmtpj.testing.TestClients;

/**
 * The README's first command as a newcomer runs it: {@code xmtpd devnet} as a process, with its local chain. Every
 * node must be registered, staked and in the first active set, replicate to the others, and everything (nodes and
 * the Hardhat chain) must be gone after SIGTERM. Everything binds port 0 ({@code --base-port 0 --chain-port 0}):
 * the ports are read from what the devnet prints and from each node's {@code ports.json}.
 */
class DevnetCommandIT {
  private static final HttpClient HTTP = TestClients.newHttpClient();

  @TempDir
  Path dir;

  @Test
  void shouldRunAChainBackedDevnetWhoseNodesReplicateAndStopEverythingOnSigterm() throws Exception {
    Path out = dir.resolve("devnet.out");
    Path net = dir.resolve("net");
    // port 0 everywhere: the chain and every node bind free ports themselves, and say which
    Process devnet = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "org.xmtpj.cli.Main",
        "devnet", "--nodes", "2", "--base-port", "0", "--chain-port", "0", "--data-dir", net.toString())
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    int chainPort = -1;
    try {
      await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(500)).until(() ->
          Files.readString(out).contains("devnet of 2 nodes running") || !devnet.isAlive());
      String printed = Files.readString(out);
      assertThat(printed).contains("node 1: registered as node id 1", "node 2: registered as node id 2",
          "epoch 0 active set: [1, 2]", "devnet of 2 nodes running");
      chainPort = chainPort(printed);
      NodePorts ports1 = NodePorts.read(net.resolve("node-1")).orElseThrow();
      NodePorts ports2 = NodePorts.read(net.resolve("node-2")).orElseThrow();
      String node1 = "http://127.0.0.1:" + ports1.http();
      String node2 = "http://127.0.0.1:" + ports2.http();
      assertThat(printed).as("the table shows the bound ports").contains(node1, node2,
          "127.0.0.1:" + ports1.grpc(), "127.0.0.1:" + ports2.replication());
      // the registered endpoint is updated to the bound port after the node started; the node follows the event
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
          assertThat(get(node1 + "/debug/chain")).contains("\"selfNodeId\":1", "\"selfActive\":true",
              "\"endpoint\":\"127.0.0.1:" + ports1.replication() + "\"",
              "\"endpoint\":\"127.0.0.1:" + ports2.replication() + "\""));

      TestClients client = TestClients.newIdentity();
      String topic = "/xmtp/0/m-devnet-" + System.nanoTime() + "/proto";
      // a node refuses publishes (503) until its first catch-up with its peers is over
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() ->
          client.publish(node1, List.of(TestClients.envelope(topic, "hello".getBytes()))).acked());
      await().atMost(Duration.ofSeconds(30)).until(() -> client.queryAll(node2, topic).size() == 1);
    } finally {
      devnet.destroy(); // SIGTERM: the devnet stops its nodes, then its chain
      assertThat(devnet.waitFor(60, TimeUnit.SECONDS)).as("devnet exits after SIGTERM").isTrue();
    }
    assertThat(devnet.exitValue()).isZero();
    assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("")
        .contains(dir.toString())).toList()).as("no node process left behind").isEmpty();
    assertThat(listening(chainPort)).as("the local chain stopped").isFalse();
  }

  /** The port of the chain's RPC URL, as the devnet prints it in its table ({@code chain: http://HOST:PORT}). */
  private static int chainPort(String printed) {
    Matcher m = Pattern.compile("chain: http://127\\.0\\.0\\.1:(\\d+)").matcher(printed);
    assertThat(m.find()).as("the devnet prints its chain's URL").isTrue();
    return Integer.parseInt(m.group(1));
  }

  private static boolean listening(int port) {
    try (var s = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String get(String url) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }
}
