package org.xmtpj.testing.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.xmtpj.node.NodeConfig;
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
  private ChainNetwork chain; // null unless chain-backed (Builder#chain)
  private boolean closed;

  private LocalCluster(Mode mode, List<ClusterNode> nodes, Links links, Duration timeout) {
    this.mode = mode;
    this.nodes = List.copyOf(nodes);
    this.links = links;
    this.conditions = new Conditions(this.nodes, reader, timeout);
  }

  /**
   * A cluster whose node {@code i} keeps its data in {@code dir/node<i+1>} (its log, for a process, next to it in
   * {@code node<i+1>.log}).
   */
  public static Builder builder(Mode mode, Path dir) {
    return new Builder(mode, dir);
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
   * @throws IllegalStateException when the cluster was built without {@link Builder#faultProxies(Duration)}
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
   * @throws IllegalStateException when the cluster was built without {@link Builder#chain(LocalChain)}
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

  /** Writes every node's peers file, atomically (the node may read it at any moment). */
  private void writePeersFiles(List<NodeSpec> specs, boolean pinned) {
    for (ClusterNode from : nodes) {
      StringBuilder sb = new StringBuilder("# written by LocalCluster: the other nodes")
          .append(links.proxied() ? ", each through its fault proxy" : "").append('\n');
      for (ClusterNode to : nodes) {
        if (to != from) {
          sb.append(pinned ? to.nodeKey() + "@" : "").append(NodeSpec.HOST).append(':')
              .append(links.portFor(from.index(), to)).append('\n');
        }
      }
      writeAtomically(specs.get(from.index()).peersFile(), sb.toString());
    }
  }

  /** A reader sees the old file or the new one, never half of it. */
  private static void writeAtomically(Path file, String text) {
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
  private static List<ClusterNode> startAll(Mode mode, List<NodeSpec> specs) {
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

  /** How to build a cluster; {@link #start()} starts it and waits until it is bootstrapped. */
  public static final class Builder {
    private final Mode mode;
    private final Path dir;
    private int size = 3;
    private Duration antiEntropyInterval = Duration.ofSeconds(2);
    private Duration linkLatency; // null: direct links, no proxies
    private Duration awaitTimeout = Duration.ofSeconds(60);
    private Clock clock = Clock.systemUTC();
    private UnaryOperator<NodeConfig> configure = UnaryOperator.identity();
    private final List<String> settings = new ArrayList<>();
    private boolean pinnedPeers = true;
    private LocalChain localChain; // null: nodes with static peers, no chain

    private Builder(Mode mode, Path dir) {
      this.mode = Objects.requireNonNull(mode, "mode");
      this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath();
    }

    /** How many nodes (default 3). */
    public Builder nodes(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("a cluster has at least one node, not " + n);
      }
      size = n;
      return this;
    }

    /** The nodes' mean time between anti-entropy rounds (default 2 s: tests wait for them, the node's 30 s). */
    public Builder antiEntropyInterval(Duration interval) {
      antiEntropyInterval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /** Every directed link through its own {@link FaultProxy}, adding {@code latency} one way (zero for none). */
    public Builder faultProxies(Duration latency) {
      linkLatency = Objects.requireNonNull(latency, "latency");
      return this;
    }

    /** How long each condition waits before it fails (default 60 s). */
    public Builder awaitTimeout(Duration timeout) {
      awaitTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * The clock every node runs on, e.g. one a test moves (default: the system clock).
     *
     * @throws IllegalArgumentException in {@link Mode#PROCESS}: a process runs on the system clock
     */
    public Builder clock(Clock clock) {
      requireInJvm("clock(Clock)");
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Applied to every node's configuration on every start, after the cluster's own settings (its ports and peers
     * file stay the cluster's). For {@link Mode#PROCESS} use {@link #set(String, String)}.
     *
     * @throws IllegalArgumentException in {@link Mode#PROCESS}: a process is configured by its command line
     */
    public Builder configure(UnaryOperator<NodeConfig> change) {
      requireInJvm("configure(UnaryOperator<NodeConfig>)");
      configure = configure.andThen(Objects.requireNonNull(change, "change"))::apply;
      return this;
    }

    /**
     * A setting every node process starts with ({@code --set key=value}, e.g. {@code replication.retention=1h}).
     * For {@link Mode#IN_JVM} use {@link #configure(UnaryOperator)}.
     *
     * @throws IllegalArgumentException in {@link Mode#IN_JVM}: the settings are parsed by the command line only
     */
    public Builder set(String key, String value) {
      if (mode != Mode.PROCESS) {
        throw new IllegalArgumentException("set(key, value) is for Mode.PROCESS; in " + mode
            + " use configure(UnaryOperator<NodeConfig>)");
      }
      settings.add(Objects.requireNonNull(key, "key") + "=" + Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Peers files list the others as {@code HOST:PORT} without their keys (the README's unpinned {@code --peer}),
     * so each node learns the others' keys in the handshake. Default: pinned, {@code KEY@HOST:PORT}.
     */
    public Builder unpinnedPeers() {
      pinnedPeers = false;
      return this;
    }

    private void requireInJvm(String option) {
      if (mode != Mode.IN_JVM) {
        throw new IllegalArgumentException(option + " is for Mode.IN_JVM; a node process cannot take it"
            + (option.startsWith("configure") ? " (use set(key, value))" : ""));
      }
    }

    /**
     * Chain-backed nodes (processes only): they find their peers in {@code chain}'s active set, and account
     * {@code n} operates node {@code n} ({@link ChainNetwork}, from {@link LocalCluster#chain()}). {@link #start()}
     * then starts no node: each is provisioned on chain and launched by the test. The cluster closes the chain.
     *
     * @throws IllegalArgumentException in {@link Mode#IN_JVM}, or with {@link #faultProxies} (chain nodes find
     *     their peers on chain, not in peers files: {@link ChainNetwork#provisionBehindProxy} puts a proxy in front)
     */
    public Builder chain(LocalChain chain) {
      if (mode != Mode.PROCESS) {
        throw new IllegalArgumentException("a chain-backed cluster runs its nodes as processes (Mode.PROCESS), not "
            + mode);
      }
      localChain = Objects.requireNonNull(chain, "chain");
      return this;
    }

    /** Starts the proxies, then the nodes, writes the peers files and waits until every node is bootstrapped. */
    public LocalCluster start() {
      if (localChain != null) {
        return startOnChain();
      }
      List<NodeSpec> specs = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        String name = "node" + (i + 1);
        specs.add(new NodeSpec(i, dir.resolve(name), dir.resolve(name + ".peers"), antiEntropyInterval, clock,
            configure, settings));
        // the node refuses a --peers-file that does not exist; no peer is known before every node has bound
        writeAtomically(specs.get(i).peersFile(), "# LocalCluster: no peers until every node's ports are known\n");
      }
      // the proxies first: they bind before any node runs and forward once the nodes have bound
      Links links = linkLatency == null ? Links.direct() : Links.proxied(size, linkLatency);
      LocalCluster cluster;
      try {
        cluster = new LocalCluster(mode, startAll(mode, specs), links, awaitTimeout);
      } catch (RuntimeException e) {
        links.close();
        throw e;
      }
      try {
        links.connect(cluster.nodes);
        cluster.writePeersFiles(specs, pinnedPeers);
        return cluster.awaitBootstrapped();
      } catch (RuntimeException | Error e) {
        cluster.close();
        throw e;
      }
    }

    /** Node slots only: a chain node is registered on chain before it runs, so the test launches each. */
    private LocalCluster startOnChain() {
      try {
        if (linkLatency != null) {
          throw new IllegalArgumentException("faultProxies: chain nodes find their peers on chain; use "
              + "ChainNetwork.provisionBehindProxy for a proxy in front of a node");
        }
        List<ChainNode> slots = new ArrayList<>();
        for (int i = 0; i < size; i++) {
          slots.add(new ChainNode(i, dir.resolve("node" + (i + 1))));
        }
        LocalCluster cluster = new LocalCluster(mode, List.copyOf(slots), Links.direct(), awaitTimeout);
        cluster.chain = new ChainNetwork(localChain, dir, slots, antiEntropyInterval, awaitTimeout);
        return cluster;
      } catch (RuntimeException e) {
        localChain.close(); // the cluster owns the chain: a test that gets no cluster cannot close it
        throw e;
      }
    }
  }
}
