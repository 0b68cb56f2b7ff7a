package org.xmtpj.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.xmtpj.node.replication.PeerInfo;

/**
 * N real nodes in one JVM, full mesh over loopback gRPC, each with its own SQLite store. Every node binds
 * replication port 0 and reads its peers from its own peers file, written once all the ports are bound: no port
 * is guessed. A node can be stopped and restarted on its directory and the port it bound.
 */
final class ReplicatedCluster implements AutoCloseable {
  private static final Duration PEERING_TIMEOUT = Duration.ofSeconds(20);
  /** Time for another socket that took a stopped node's port meanwhile (rare: an ephemeral port) to let go. */
  private static final Duration REBIND_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration POLL = Duration.ofMillis(50);

  final List<NodeFixture> nodes = new ArrayList<>();
  private final List<UnaryOperator<NodeConfig>> configs = new ArrayList<>();
  private final List<Path> dirs = new ArrayList<>();
  private final List<String> peerSpecs = new ArrayList<>();
  private final Clock clock;

  ReplicatedCluster(Path dir, int n, Duration antiEntropy) throws Exception {
    this(dir, n, antiEntropy, Clock.systemUTC(), c -> c);
  }

  /** Every node runs on {@code clock}, with {@code tweak} applied on top of the cluster's configuration. */
  ReplicatedCluster(Path dir, int n, Duration antiEntropy, Clock clock, UnaryOperator<NodeConfig> tweak)
      throws Exception {
    this.clock = clock;
    try {
      for (int i = 0; i < n; i++) {
        Path peersFile = dir.resolve("n" + i + ".peers"); // absent until written: no peers yet
        configs.add(c -> tweak.apply(c.withReplication(c.replication().withPort(0).withPeersFile(peersFile)
            .withAntiEntropyInterval(antiEntropy))));
        dirs.add(dir.resolve("n" + i));
        nodes.add(new NodeFixture(dirs.get(i), configs.get(i), clock));
        XmtpNode node = nodes.get(i).node;
        peerSpecs.add(node.nodeId() + "@127.0.0.1:" + node.replicationPort());
      }
      for (int i = 0; i < n; i++) {
        writePeers(dir.resolve("n" + i + ".peers"), others(i));
        pinPort(i);
      }
      awaitPeered();
    } catch (Exception e) {
      close();
      throw e;
    }
  }

  /** From now on node i restarts on the replication port it bound, where the others' peers files point. */
  private void pinPort(int i) {
    int port = nodes.get(i).node.replicationPort();
    UnaryOperator<NodeConfig> first = configs.get(i);
    configs.set(i, c -> {
      NodeConfig base = first.apply(c);
      return base.withReplication(base.replication().withPort(port));
    });
  }

  private List<String> others(int i) {
    List<String> out = new ArrayList<>(peerSpecs);
    out.remove(i);
    return out;
  }

  /** Replaces the file atomically, so the node's watcher never reads half of it. */
  private static void writePeers(Path file, List<String> specs) {
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, String.join("\n", specs) + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** Until every node has read its peers file (seen within 250 ms, counted by its next housekeeping pass). */
  private void awaitPeered() {
    int want = nodes.size() - 1;
    Awaitility.await("every node peered with the " + want + " others").atMost(PEERING_TIMEOUT)
        .pollDelay(Duration.ZERO).pollInterval(POLL)
        .until(() -> nodes.stream().allMatch(f -> f.node.replicator().status().peers() == want));
  }

  NodeFixture get(int i) {
    return nodes.get(i);
  }

  /** Stops node i (its slot stays, closed, until {@link #restart}). */
  void stop(int i) {
    nodes.get(i).close();
  }

  /**
   * Starts node i again on its directory, replication port and configuration. Its peers are configured as well as
   * in its peers file, so that they are known from the start, when its first catch-up asks them.
   */
  NodeFixture restart(int i) throws Exception {
    List<PeerInfo> peers = others(i).stream().map(PeerInfo::parse).toList();
    UnaryOperator<NodeConfig> config = configs.get(i)
        .andThen(c -> c.withReplication(c.replication().withPeers(peers)))::apply;
    AtomicReference<NodeFixture> started = new AtomicReference<>();
    Awaitility.await("node " + i + " bound its replication port again").atMost(REBIND_TIMEOUT)
        .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
        .ignoreExceptionsMatching(ReplicatedCluster::portTaken)
        .until(() -> {
          started.set(new NodeFixture(dirs.get(i), config, clock));
          return true;
        });
    nodes.set(i, started.get());
    return started.get();
  }

  private static boolean portTaken(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException) {
        return true;
      }
    }
    return false;
  }

  /** Publishes, retrying while the node is still in its first vector check with its peers (503). */
  HttpResponse<String> publish(int node, String topic, long ts, byte[] msg) throws Exception {
    NodeFixture f = nodes.get(node);
    AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
    try {
      Awaitility.await("publish on node " + node + " past 503").atMost(Duration.ofSeconds(10))
          .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100)).pollInSameThread()
          .until(() -> {
            last.set(f.publish(f.alice, topic, ts, msg));
            return last.get().statusCode() != 503;
          });
    } catch (ConditionTimeoutException stillCatchingUp) {
      // the caller asserts on the status and shows the last body
    }
    return last.get();
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
  boolean awaitAgreement(Duration timeout) {
    try {
      Awaitility.await("fingerprints agree").atMost(timeout).pollDelay(Duration.ZERO).pollInterval(POLL)
          .until(() -> {
            List<String> prints = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
              prints.add(fingerprint(i));
            }
            return prints.stream().distinct().count() == 1;
          });
      return true;
    } catch (ConditionTimeoutException e) {
      return false;
    }
  }

  @Override
  public void close() {
    nodes.forEach(NodeFixture::close);
  }
}
