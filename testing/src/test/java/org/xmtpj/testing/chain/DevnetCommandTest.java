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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtpj.testing.TestClients;

/**
 * The README's first command as a newcomer runs it: {@code xmtpd devnet} as a process, with its local chain. Every
 * node must be registered, staked and in the first active set, replicate to the others, and everything (nodes and
 * the Hardhat chain) must be gone after SIGTERM.
 */
class DevnetCommandTest {
  private static final HttpClient HTTP = TestClients.newHttpClient();

  @TempDir
  Path dir;

  @Test
  void shouldRunAChainBackedDevnetWhoseNodesReplicateAndStopEverythingOnSigterm() throws Exception {
    int base = freeBase();
    int chainPort = freeBase() + 5;
    Path out = dir.resolve("devnet.out");
    Process devnet = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "org.xmtpj.cli.Main",
        "devnet", "--nodes", "2", "--base-port", String.valueOf(base), "--chain-port", String.valueOf(chainPort),
        "--data-dir", dir.resolve("net").toString())
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(500)).until(() ->
          Files.readString(out).contains("devnet of 2 nodes running") || !devnet.isAlive());
      String printed = Files.readString(out);
      assertThat(printed).contains("node 1: registered as node id 1", "node 2: registered as node id 2",
          "epoch 0 active set: [1, 2]", "chain: http://127.0.0.1:" + chainPort);
      String node1 = "http://127.0.0.1:" + base;
      String node2 = "http://127.0.0.1:" + (base + 10);
      assertThat(get(node1 + "/debug/chain")).contains("\"selfNodeId\":1", "\"selfActive\":true",
          "\"endpoint\":\"127.0.0.1:" + (base + 12) + "\"");

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

  /**
   * A base port whose node ports (base, +1, +2, +10, +11, +12) are free now, below Linux's ephemeral range (32768
   * and up), where the devnet's own connections to its chain could take one before the node binds it.
   */
  private static int freeBase() {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = 20_000 + (int) (Math.random() * 12_000);
      if (free(base) && free(base + 1) && free(base + 2) && free(base + 10) && free(base + 11) && free(base + 12)) {
        return base;
      }
    }
    throw new IllegalStateException("no free port range found");
  }

  private static boolean free(int port) {
    try (var s = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
