package org.xmtpj.node;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;
import org.xmtpj.node.replication.PeerInfo;

/**
 * N real nodes in one JVM, full mesh over loopback gRPC, each with its own SQLite store. A node can be stopped
 * and restarted on its directory and port.
 */
final class ReplicatedCluster implements AutoCloseable {
  final List<NodeFixture> nodes = new ArrayList<>();
  private final List<UnaryOperator<NodeConfig>> configs = new ArrayList<>();
  private final List<Path> dirs = new ArrayList<>();
  private final Clock clock;

  ReplicatedCluster(Path dir, int n, Duration antiEntropy) throws Exception {
    this(dir, n, antiEntropy, Clock.systemUTC(), c -> c);
  }

  /** Every node runs on {@code clock}, with {@code tweak} applied on top of the cluster's configuration. */
  ReplicatedCluster(Path dir, int n, Duration antiEntropy, Clock clock, UnaryOperator<NodeConfig> tweak)
      throws Exception {
    this.clock = clock;
    int[] ports = new int[n];
    String[] keys = new String[n];
    for (int i = 0; i < n; i++) {
      try (ServerSocket s = new ServerSocket(0)) {
        ports[i] = s.getLocalPort();
      }
      keys[i] = HexFormat.of().formatHex(NodeKey.loadOrCreate(dir.resolve("n" + i)).publicKey());
    }
    try {
      for (int i = 0; i < n; i++) {
        List<PeerInfo> peers = new ArrayList<>();
        for (int j = 0; j < n; j++) {
          if (j != i) {
            peers.add(PeerInfo.parse(keys[j] + "@127.0.0.1:" + ports[j]));
          }
        }
        int port = ports[i];
        UnaryOperator<NodeConfig> config = c -> tweak.apply(c.withReplication(c.replication().withPort(port)
            .withPeers(peers).withAntiEntropyInterval(antiEntropy)));
        configs.add(config);
        dirs.add(dir.resolve("n" + i));
        nodes.add(new NodeFixture(dirs.get(i), config, clock));
      }
    } catch (Exception e) {
      close();
      throw e;
    }
  }

  NodeFixture get(int i) {
    return nodes.get(i);
  }

  /** Stops node i (its slot stays, closed, until {@link #restart}). */
  void stop(int i) {
    nodes.get(i).close();
  }

  /** Starts node i again on its directory, port and configuration. */
  NodeFixture restart(int i) throws Exception {
    NodeFixture f = new NodeFixture(dirs.get(i), configs.get(i), clock);
    nodes.set(i, f);
    return f;
  }

  /** Publishes, retrying while the node is still in its first vector check with its peers (503). */
  HttpResponse<String> publish(int node, String topic, long ts, byte[] msg) throws Exception {
    NodeFixture f = nodes.get(node);
    HttpResponse<String> r = f.publish(f.alice, topic, ts, msg);
    for (int i = 0; i < 100 && r.statusCode() == 503; i++) {
      Thread.sleep(100);
      r = f.publish(f.alice, topic, ts, msg);
    }
    return r;
  }

  String debug(int node) throws Exception {
    NodeFixture f = nodes.get(node);
    return f.http.send(HttpRequest.newBuilder(URI.create(f.url("/debug/replication"))).GET().build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  String fingerprint(int node) throws Exception {
    String body = debug(node);
    int i = body.indexOf("\"fingerprint\":\"") + 15;
    return body.substring(i, body.indexOf('"', i));
  }

  /** Waits until every node reports the same fingerprint; returns whether they did before the deadline. */
  boolean awaitAgreement(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      List<String> prints = new ArrayList<>();
      for (int i = 0; i < nodes.size(); i++) {
        prints.add(fingerprint(i));
      }
      if (prints.stream().distinct().count() == 1) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  @Override
  public void close() {
    nodes.forEach(NodeFixture::close);
  }
}
