package org.xmtpj.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.xmtpj.node.NodeKey;

/**
 * Several {@code xmtpd} processes peered over their replication ports. Every node binds replication port 0 and
 * reads its peers from its own peers file ({@code root/<name>.peers}, re-read within 250 ms of a change), which
 * the scenario writes once the ports are bound ({@link #mesh}, {@link #setPeers}): no port is picked in advance.
 * Each member's data directory and node key exist before any node starts, so every peer is pinned by its key
 * ({@code KEYHEX@127.0.0.1:PORT}).
 */
final class Cluster implements AutoCloseable {
  private static final long POLL_MILLIS = 50;
  private static final Duration REBIND_TIMEOUT = Duration.ofSeconds(20);
  private static final String NODE_KEY_FILE = "node_key"; // NodeKey's file in a data directory

  /** A node-to-be: its data directory, key and peers file, fixed before start (its port once it runs). */
  record Member(String name, Path dataDir, String keyHex, Path peersFile) {
    /** This member as a peer reached on {@code port} (its own, or a proxy's in front of it). */
    String peerSpec(int port) {
      return keyHex + "@127.0.0.1:" + port;
    }
  }

  private final Path root;
  private final boolean keep;
  private final Map<String, BenchNode> running = new LinkedHashMap<>();
  private final Map<String, Integer> boundPorts = new HashMap<>();

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

  /**
   * Creates {@code root/name} (if needed), its node key (kept if the directory already holds one) and its empty
   * peers file ({@code xmtpd start --peers-file} wants the file to exist).
   */
  Member member(String name) {
    Path dir = root.resolve(name);
    byte[] publicKey = NodeKey.loadOrCreate(dir).publicKey();
    Member m = new Member(name, dir, HexFormat.of().formatHex(publicKey), root.resolve(name + ".peers"));
    setPeers(m, List.of());
    return m;
  }

  /**
   * Starts a member with its peers file (no peers until it is written) and further arguments; waits for /healthz.
   * It binds replication port 0 on its first run, and the port it bound then on the next ones (see
   * {@link #firstRun}), where its peers' files point.
   */
  BenchNode start(Member m, List<String> extraArgs) {
    return start(m, List.of(), extraArgs);
  }

  /**
   * As {@link #start(Member, List)}, also pinning {@code peerSpecs} as peers from the start ({@code --peer}):
   * the peers of a node's first catch-up, which it runs as it starts, are the ones it has by then.
   */
  BenchNode start(Member m, List<String> peerSpecs, List<String> extraArgs) {
    List<String> args = new ArrayList<>(List.of("--peers-file", m.peersFile().toString()));
    for (String p : peerSpecs) {
      args.add("--peer");
      args.add(p);
    }
    args.addAll(extraArgs);
    Integer port = boundPorts.get(m.name());
    BenchNode node = port == null ? BenchNode.startAt(m.dataDir(), args, true) : startOn(m, port, args);
    boundPorts.put(m.name(), node.replicationPort());
    running.put(m.name(), node);
    return node;
  }

  /**
   * Runs a member once, without peers, only to bind its replication port, then stops it and empties its data
   * directory but for its key. For a node whose first catch-up is measured: its peers must pin it (key and port)
   * before that start, which its port is known only after. Returns the port, which its next start binds again.
   */
  int firstRun(Member m, List<String> extraArgs) {
    start(m, extraArgs);
    int port = replicationPort(m);
    stop(m);
    deleteTree(m.dataDir(), f -> !f.getFileName().toString().equals(NODE_KEY_FILE));
    return port;
  }

  /** Starts on the port the member bound before; retried while another socket holds it (it frees when that ends). */
  private BenchNode startOn(Member m, int port, List<String> args) {
    List<String> fixed = new ArrayList<>(List.of("--replication-port", Integer.toString(port)));
    fixed.addAll(args);
    AtomicReference<BenchNode> node = new AtomicReference<>();
    Awaitility.await(m.name() + " on replication port " + port).atMost(REBIND_TIMEOUT).pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(500)).pollInSameThread()
        .ignoreExceptionsMatching(e -> e instanceof IllegalStateException && e.getMessage() != null
            && (e.getMessage().contains("Address already in use") || e.getMessage().contains("BindException")))
        .until(() -> {
          node.set(BenchNode.startAt(m.dataDir(), fixed, true));
          return true;
        });
    return node.get();
  }

  /** The replication port the member bound (when it last ran). */
  int replicationPort(Member m) {
    Integer port = boundPorts.get(m.name());
    if (port == null) {
      throw new IllegalStateException(m.name() + " has not run yet");
    }
    return port;
  }

  /** The member as its peers reach it. */
  String peerSpec(Member m) {
    return m.peerSpec(replicationPort(m));
  }

  /** Replaces m's peers file (atomically: its node never reads half of it). */
  void setPeers(Member m, List<String> peerSpecs) {
    try {
      Path tmp = m.peersFile().resolveSibling(m.peersFile().getFileName() + ".tmp");
      Files.writeString(tmp, peerSpecs.stream().map(p -> p + "\n").collect(Collectors.joining()),
          StandardCharsets.UTF_8);
      Files.move(tmp, m.peersFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + m.peersFile(), e);
    }
  }

  /** Full mesh of members that have run: each one's peers file lists all the others. */
  void mesh(List<Member> members) {
    for (Member m : members) {
      setPeers(m, members.stream().filter(p -> p != m).map(this::peerSpec).toList());
    }
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
      long timeoutMillis, long pollMillis, String what) {
    AtomicReference<List<ReplicationStatus>> last = new AtomicReference<>(List.of());
    try {
      Awaitility.await(what).atMost(Duration.ofMillis(timeoutMillis)).pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(pollMillis)).pollInSameThread().until(() -> {
            List<ReplicationStatus> now = new ArrayList<>();
            for (BenchNode n : nodes) {
              now.add(n.replication());
            }
            last.set(now);
            return now.stream().allMatch(s -> s != null) && done.test(now);
          });
      return last.get();
    } catch (ConditionTimeoutException e) {
      StringBuilder sb = new StringBuilder("timed out after " + timeoutMillis / 1000 + " s waiting for " + what);
      for (int i = 0; i < nodes.size(); i++) {
        ReplicationStatus st = i < last.get().size() ? last.get().get(i) : null;
        sb.append("\n  node ").append(i + 1).append(" (log ").append(nodes.get(i).logFile()).append("): ")
            .append(st == null ? "no answer" : st.json());
      }
      throw new IllegalStateException(sb.toString(), e);
    }
  }

  /** Until every node lists {@code peers} peers (it read its peers file; counted once a second by each node). */
  static void awaitPeers(List<BenchNode> nodes, int peers, String what) {
    await(nodes, st -> st.stream().allMatch(x -> x.peers() == peers), 30_000, POLL_MILLIS, what);
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
}
