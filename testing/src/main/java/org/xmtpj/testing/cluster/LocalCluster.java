package org.xmtpj.testing.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import org.xmtpj.node.XmtpNode;
import org.xmtpj.chain.local.LocalChain;
import org.xmtpj.testing.FaultProxy;

/**
 * A replicating network of nodes on loopback for tests, in the manner of MicroRaft's {@code LocalRaftGroup} and
 * Besu's acceptance-test DSL: nodes that one switch ({@link Mode}) runs as real {@code xmtpd} processes or inside
 * this JVM, optionally a {@link FaultProxy} on every directed link, and conditions to wait for.
 *
 * <p>No port is guessed: every node binds port 0, and only once all of them run does the cluster write each node's
 * peers file ({@code KEY@127.0.0.1:PORT} of the others, or of the proxies to them), which the nodes re-read within
 * 250 ms. A restarted node comes back on its ports, so the files stay right.
 *
 * <pre>{@code
 * try (LocalCluster cluster = LocalCluster.builder(Mode.PROCESS, dir).nodes(3)
 *     .faultProxies(Duration.ofMillis(2)).start()) {     // waits until every node is bootstrapped
 *   cluster.link(0, 2).cut();
 *   cluster.node(1).kill();  cluster.node(1).restart();
 *   cluster.awaitAgreement();
 * }
 * }</pre>
 */
public final class LocalCluster implements AutoCloseable {
  /** How the nodes run. */
  public enum Mode {
    /** Each node a real {@code xmtpd} JVM: real crashes (SIGKILL), real process boundaries; slower to start. */
    PROCESS {
      @Override
      ClusterNode start(NodeSpec spec) {
        return ProcessNode.start(spec);
      }
    },
    /** Each node an {@code XmtpNode} in this JVM: fast and debuggable; a kill is an orderly stop. */
    IN_JVM {
      @Override
      ClusterNode start(NodeSpec spec) {
        return InJvmNode.start(spec);
      }
    };

    abstract ClusterNode start(NodeSpec spec);
  }

  private static final Executor STARTER = r -> Thread.ofVirtual().name("local-cluster-start").start(r);

  private final Mode mode;
  private final List<ClusterNode> nodes;
  private final Links links;
  private final StatusReader reader = new StatusReader();
  private final Conditions conditions;
  private final List<Path> peersFiles; // node i's at i; empty for a chain-backed cluster
  private final boolean pinnedPeers;
  private final ChainNetwork chain; // null unless chain-backed (ClusterBuilder#chain)
  private boolean closed;

  LocalCluster(Mode mode, List<ClusterNode> nodes, List<Path> peersFiles, boolean pinnedPeers, Links links,
      Duration timeout, ChainNetwork chain) {
    this.mode = mode;
    this.nodes = List.copyOf(nodes);
    this.peersFiles = List.copyOf(peersFiles);
    this.pinnedPeers = pinnedPeers;
    this.links = links;
    this.conditions = new Conditions(this.nodes, reader, timeout);
    this.chain = chain;
  }

  /**
   * A cluster whose node {@code i} keeps its data in {@code dir/node<i+1>} (its log, for a process, next to it in
   * {@code node<i+1>.log}).
   */
  public static ClusterBuilder builder(Mode mode, Path dir) {
    return new ClusterBuilder(mode, dir);
  }

  public Mode mode() {
    return mode;
  }

  public int size() {
    return nodes.size();
  }

  /** Node {@code i}, from 0. */
  public ClusterNode node(int i) {
    return nodes.get(i);
  }

  public List<ClusterNode> nodes() {
    return nodes;
  }

  /**
   * Node {@code i}'s {@link XmtpNode}, for what a test checks inside it (its store, its replicator); as it runs
   * now, so ask again after a restart.
   *
   * @throws IllegalStateException in {@link Mode#PROCESS}, or while the node is stopped
   */
  public XmtpNode xmtpNode(int i) {
    if (!(nodes.get(i) instanceof InJvmNode n)) {
      throw new IllegalStateException(nodes.get(i).name() + " runs as a process; only IN_JVM nodes are reachable");
    }
    return n.xmtpNode();
  }

  /**
   * The proxy that node {@code from} reaches node {@code to} through.
   *
   * @throws IllegalStateException when the cluster was built without {@link ClusterBuilder#faultProxies(Duration)}
   */
  public FaultProxy link(int from, int to) {
    return links.proxy(from, to);
  }

  /** Every link's proxy; empty when the links are direct. */
  public List<FaultProxy> links() {
    return links.all();
  }

  /**
   * The chain side of a chain-backed cluster: its chain, accounts, provisioning and checkpoint conditions.
   *
   * @throws IllegalStateException when the cluster was built without {@link ClusterBuilder#chain(LocalChain)}
   */
  public ChainNetwork chain() {
    if (chain == null) {
      throw new IllegalStateException("not a chain-backed cluster: build it with .chain(LocalChain)");
    }
    return chain;
  }

  /** Node {@code i}'s {@code /debug/replication} now. */
  public ReplicationStatus status(int i) {
    try {
      return reader.replication(nodes.get(i));
    } catch (IOException e) {
      throw new UncheckedIOException("no status from " + nodes.get(i), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted reading the status of " + nodes.get(i), e);
    }
  }

  /** The {@code /debug/replication} of every running node now, in node order (stopped ones left out). */
  public List<ReplicationStatus> statuses() {
    try {
      return conditions.statuses();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted reading the nodes' statuses", e);
    }
  }

  /** {@code KEY@127.0.0.1:PORT}: node {@code i} as its peers pin it, at the replication port it bound. */
  public String peerSpec(int i) {
    return peerSpec(i, nodes.get(i).replicationPort());
  }

  /** Node {@code i} as a peer pins it when it is reached on {@code port} (a proxy's in front of it). */
  public String peerSpec(int i, int port) {
    return nodes.get(i).nodeKey() + "@" + NodeSpec.HOST + ":" + port;
  }

  /**
   * Replaces node {@code i}'s peers file with {@code peerSpecs} ({@code [KEY@]HOST:PORT} each), atomically; the
   * node reads it within 250 ms, or at its next start.
   */
  public LocalCluster setPeers(int i, List<String> peerSpecs) {
    requirePeersFiles();
    StringBuilder sb = new StringBuilder("# written by LocalCluster.setPeers\n");
    peerSpecs.forEach(p -> sb.append(p).append('\n'));
    writeAtomically(peersFiles.get(i), sb.toString());
    return this;
  }

  /**
   * A full mesh of the nodes that have run (a prepared node that has not is left out): each one's peers file lists
   * every other (through its fault proxy when the links have them), pinned by key unless built with
   * {@link ClusterBuilder#unpinnedPeers()}.
   */
  public LocalCluster mesh() {
    requirePeersFiles();
    List<ClusterNode> known = nodes.stream().filter(LocalCluster::hasRun).toList();
    for (ClusterNode from : known) {
      StringBuilder sb = new StringBuilder("# written by LocalCluster: the other nodes")
          .append(links.proxied() ? ", each through its fault proxy" : "").append('\n');
      for (ClusterNode to : known) {
        if (to != from) {
          sb.append(pinnedPeers ? to.nodeKey() + "@" : "").append(NodeSpec.HOST).append(':')
              .append(links.portFor(from.index(), to)).append('\n');
        }
      }
      writeAtomically(peersFiles.get(from.index()), sb.toString());
    }
    return this;
  }

  private static boolean hasRun(ClusterNode n) {
    return !(n instanceof StagedNode s) || s.hasRun();
  }

  private void requirePeersFiles() {
    if (peersFiles.isEmpty()) {
      throw new IllegalStateException("a chain-backed cluster's nodes find their peers on chain, not in peers files");
    }
  }

  /** Waits until every running node is bootstrapped and knows all the others. */
  public LocalCluster awaitBootstrapped() {
    conditions.awaitBootstrapped();
    return this;
  }

  /** Waits until every running node has the same fingerprint and vector, with nothing pending or in flight. */
  public LocalCluster awaitAgreement() {
    conditions.awaitAgreement();
    return this;
  }

  /** Waits until every node running now has completed {@code rounds} more anti-entropy rounds. */
  public LocalCluster awaitSyncRounds(int rounds) {
    conditions.awaitSyncRounds(rounds);
    return this;
  }

  /**
   * Waits until {@code condition} holds over the statuses of the running nodes (in node order, stopped ones left
   * out); the timeout message names {@code what} and each node's last status.
   */
  public LocalCluster awaitStatus(String what, Predicate<List<ReplicationStatus>> condition) {
    conditions.awaitStatus(what, condition);
    return this;
  }

  /**
   * As {@link #awaitStatus(String, Predicate)}, for at most {@code within} instead of the cluster's timeout (a
   * benchmark's dataset takes longer than a test's); returns the statuses that satisfied it.
   */
  public List<ReplicationStatus> awaitStatus(String what, Duration within,
      Predicate<List<ReplicationStatus>> condition) {
    return conditions.awaitStatus(what, within, condition);
  }

  /** One line per node: its URL, replication port, key and whether it runs; for logs and failure messages. */
  public String describe() {
    StringBuilder sb = new StringBuilder(mode.name());
    for (ClusterNode n : nodes) {
      sb.append("; ").append(n.name()).append(' ').append(n.httpUrl()).append(" replication :")
          .append(n.replicationPort()).append(" key ").append(n.nodeKey(), 0, 12).append('…')
          .append(n.isRunning() ? "" : " (down)");
    }
    return sb.toString();
  }

  /** Stops every node that still runs, then closes the proxies. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopAll(nodes);
    links.close();
    if (chain != null) {
      chain.close();
    }
  }

  private static void stopAll(List<ClusterNode> nodes) {
    for (ClusterNode n : nodes) {
      try {
        n.stop();
      } catch (RuntimeException e) {
        System.err.println("LocalCluster: stopping " + n + ": " + e);
      }
    }
  }

  /** A reader sees the old file or the new one, never half of it. */
  static void writeAtomically(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** Starts the nodes in parallel (a process takes seconds); if one fails, stops the others and rethrows. */
  static List<ClusterNode> startAll(Mode mode, List<NodeSpec> specs) {
    List<CompletableFuture<ClusterNode>> starting = new ArrayList<>();
    for (NodeSpec spec : specs) {
      starting.add(CompletableFuture.supplyAsync(() -> mode.start(spec), STARTER));
    }
    List<ClusterNode> started = new ArrayList<>();
    RuntimeException failure = null;
    for (CompletableFuture<ClusterNode> f : starting) {
      try {
        started.add(f.join());
      } catch (CompletionException e) {
        RuntimeException cause = e.getCause() instanceof RuntimeException r ? r : e;
        if (failure == null) {
          failure = cause;
        } else {
          failure.addSuppressed(cause);
        }
      }
    }
    if (failure != null) {
      stopAll(started);
      throw failure;
    }
    return started;
  }
}
