package org.xmtpj.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.xmtpj.node.NodeKey;

/**
 * Several {@code xmtpd} processes peered over their replication ports. Each member's data directory and node key
 * exist before any node starts, so every node can pin every peer's key ({@code --peer KEYHEX@127.0.0.1:PORT}).
 */
final class Cluster implements AutoCloseable {
  /** A node-to-be: its data directory, key and replication port, fixed before start. */
  record Member(String name, Path dataDir, String keyHex, int replicationPort) {
    String peerSpec() {
      return peerSpec(replicationPort);
    }

    /** This member as a peer reached on {@code port} (its own, or a proxy's in front of it). */
    String peerSpec(int port) {
      return keyHex + "@127.0.0.1:" + port;
    }
  }

  private final Path root;
  private final boolean keep;
  private final Map<String, BenchNode> running = new LinkedHashMap<>();

  private Cluster(Path root, boolean keep) {
    this.root = root;
    this.keep = keep;
  }

  /** A fresh run directory {@code runs/<scenario>-<stamp>}. */
  static Cluster create(Path runs, String scenario, boolean keep) {
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path root = runs.resolve(scenario + "-" + stamp).toAbsolutePath();
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Cluster(root, keep);
  }

  Path root() {
    return root;
  }

  /** Creates {@code root/name} (if needed) and its node key (kept if the directory already holds one). */
  Member member(String name) {
    Path dir = root.resolve(name);
    byte[] publicKey = NodeKey.loadOrCreate(dir).publicKey();
    return new Member(name, dir, HexFormat.of().formatHex(publicKey), freePort());
  }

  /** Starts a member with replication on its port, the given peers and further arguments; waits for /healthz. */
  BenchNode start(Member m, List<String> peerSpecs, List<String> extraArgs) {
    List<String> args = new ArrayList<>(List.of("--replication-port", Integer.toString(m.replicationPort())));
    for (String p : peerSpecs) {
      args.add("--peer");
      args.add(p);
    }
    args.addAll(extraArgs);
    BenchNode node = BenchNode.startAt(m.dataDir(), args, true);
    running.put(m.name(), node);
    return node;
  }

  /** Stops one member now (SIGTERM, drain). */
  void stop(Member m) {
    BenchNode n = running.remove(m.name());
    if (n != null) {
      n.close();
    }
  }

  /**
   * Polls {@code /debug/replication} of each node every {@code pollMillis} until {@code done} holds for all of
   * them; returns the last statuses, or throws with them on timeout.
   */
  static List<ReplicationStatus> await(List<BenchNode> nodes, Predicate<List<ReplicationStatus>> done,
      long timeoutMillis, long pollMillis, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    List<ReplicationStatus> last = List.of();
    while (true) {
      List<ReplicationStatus> now = new ArrayList<>();
      for (BenchNode n : nodes) {
        now.add(n.replication());
      }
      last = now;
      if (now.stream().allMatch(s -> s != null) && done.test(now)) {
        return now;
      }
      if (System.nanoTime() > deadline) {
        StringBuilder sb = new StringBuilder("timed out after " + timeoutMillis / 1000 + " s waiting for " + what);
        for (int i = 0; i < nodes.size(); i++) {
          sb.append("\n  node ").append(i + 1).append(" (log ").append(nodes.get(i).logFile()).append("): ")
              .append(last.get(i) == null ? "no answer" : last.get(i).json());
        }
        throw new IllegalStateException(sb.toString());
      }
      Thread.sleep(pollMillis);
    }
  }

  @Override
  public void close() {
    List<BenchNode> nodes = new ArrayList<>(running.values());
    running.clear();
    java.util.Collections.reverse(nodes);
    for (BenchNode n : nodes) {
      try {
        n.close();
      } catch (RuntimeException e) {
        System.err.println("stopping node failed: " + e);
      }
    }
    if (!keep) {
      deleteTree(root, p -> !p.getFileName().toString().endsWith(".log")
          && !p.getFileName().toString().endsWith(".jfr"));
    } else {
      System.out.println("run directory kept: " + root);
    }
  }

  /** Deletes the files under {@code dir} that match, and then every directory left empty. */
  static void deleteTree(Path dir, Predicate<Path> files) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path f : all.sorted(Comparator.reverseOrder()).toList()) {
        if (Files.isDirectory(f)) {
          try (Stream<Path> left = Files.list(f)) {
            if (left.findAny().isEmpty()) {
              Files.delete(f);
            }
          }
        } else if (files.test(f)) {
          Files.deleteIfExists(f);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }
}
