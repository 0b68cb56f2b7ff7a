package org.xmtpj.testing.cluster;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.xmtpj.chain.local.LocalChain;
import org.xmtpj.node.NodeConfig;
import org.xmtpj.testing.cluster.LocalCluster.Mode;

/**
 * How to build a {@link LocalCluster}: {@link #start()} starts it and waits until it is bootstrapped; {@link
 * #prepare()} only lays it out, for a test (or a benchmark) that starts each node itself.
 */
public final class ClusterBuilder {
  /** Arguments every node process gets from the cluster, which {@link #args} must not repeat. */
  private static final java.util.Set<String> OWN_ARGS = java.util.Set.of("--http-port", "--grpc-port",
      "--replication-port", "--peers-file", "--anti-entropy-interval", "--no-rate-limit", "--data-dir", "--host");

  private final Mode mode;
  private final Path dir;
  private int size = 3;
  private Duration antiEntropyInterval = Duration.ofSeconds(2);
  private Duration linkLatency; // null: direct links, no proxies
  private Duration awaitTimeout = Duration.ofSeconds(60);
  private Clock clock = Clock.systemUTC();
  private UnaryOperator<NodeConfig> configure = UnaryOperator.identity();
  private final List<String> settings = new ArrayList<>();
  private final List<String> args = new ArrayList<>();
  private final List<String> jvmArgs = new ArrayList<>();
  private boolean pinnedPeers = true;
  private LocalChain localChain; // null: nodes with static peers, no chain

  ClusterBuilder(Mode mode, Path dir) {
    this.mode = Objects.requireNonNull(mode, "mode");
    this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath();
  }

  /** How many nodes (default 3). */
  public ClusterBuilder nodes(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("a cluster has at least one node, not " + n);
    }
    size = n;
    return this;
  }

  /** The nodes' mean time between anti-entropy rounds (default 2 s: tests wait for them, the node's 30 s). */
  public ClusterBuilder antiEntropyInterval(Duration interval) {
    antiEntropyInterval = Objects.requireNonNull(interval, "interval");
    return this;
  }

  /** Every directed link through its own {@link FaultProxy}, adding {@code latency} one way (zero for none). */
  public ClusterBuilder faultProxies(Duration latency) {
    linkLatency = Objects.requireNonNull(latency, "latency");
    return this;
  }

  /** How long each condition waits before it fails (default 60 s). */
  public ClusterBuilder awaitTimeout(Duration timeout) {
    awaitTimeout = Objects.requireNonNull(timeout, "timeout");
    return this;
  }

  /**
   * The clock every node runs on, e.g. one a test moves (default: the system clock).
   *
   * @throws IllegalArgumentException in {@link Mode#PROCESS}: a process runs on the system clock
   */
  public ClusterBuilder clock(Clock clock) {
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
  public ClusterBuilder configure(UnaryOperator<NodeConfig> change) {
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
  public ClusterBuilder set(String key, String value) {
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
  public ClusterBuilder unpinnedPeers() {
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
  public ClusterBuilder chain(LocalChain chain) {
    if (mode != Mode.PROCESS) {
      throw new IllegalArgumentException("a chain-backed cluster runs its nodes as processes (Mode.PROCESS), not "
          + mode);
    }
    localChain = Objects.requireNonNull(chain, "chain");
    return this;
  }

  /**
   * Further {@code xmtpd start} arguments every node process takes, after the cluster's own (for example
   * {@code --store postgres …}). Not the ones the cluster sets: ports, {@code --peers-file},
   * {@code --anti-entropy-interval} ({@link #antiEntropyInterval}), {@code --no-rate-limit}.
   *
   * @throws IllegalArgumentException in {@link Mode#IN_JVM}, or for an argument the cluster sets itself
   */
  public ClusterBuilder args(List<String> more) {
    if (mode != Mode.PROCESS) {
      throw new IllegalArgumentException("args(...) is for Mode.PROCESS; in " + mode
          + " use configure(UnaryOperator<NodeConfig>)");
    }
    for (String a : more) {
      if (OWN_ARGS.contains(a.contains("=") ? a.substring(0, a.indexOf('=')) : a)) {
        throw new IllegalArgumentException(a + " is set by the cluster itself");
      }
    }
    args.addAll(more);
    return this;
  }

  /**
   * Options for every node process's JVM, on every start (for example {@code -Xmx512m} and
   * {@code -XX:+ExitOnOutOfMemoryError}, so that a test sees a node that ran out of heap die rather than limp on).
   *
   * @throws IllegalArgumentException in {@link Mode#IN_JVM} (the nodes share the test's JVM), or for an argument
   *     that is not a JVM option (it must start with {@code -})
   */
  public ClusterBuilder jvmArgs(List<String> options) {
    if (mode != Mode.PROCESS) {
      throw new IllegalArgumentException("jvmArgs(...) is for Mode.PROCESS; in " + mode
          + " the nodes run in the test's JVM");
    }
    for (String o : options) {
      if (!o.startsWith("-")) {
        throw new IllegalArgumentException(o + " is not a JVM option");
      }
    }
    jvmArgs.addAll(options);
    return this;
  }

  /** Starts the proxies, then the nodes, writes the peers files and waits until every node is bootstrapped. */
  public LocalCluster start() {
    if (localChain != null) {
      return startOnChain();
    }
    List<NodeSpec> specs = specs();
    // the proxies first: they bind before any node runs and forward once the nodes have bound
    Links links = linkLatency == null ? Links.direct() : Links.proxied(size, linkLatency);
    LocalCluster cluster;
    try {
      cluster = new LocalCluster(mode, LocalCluster.startAll(mode, specs), peersFiles(specs), pinnedPeers, links,
          awaitTimeout, null);
    } catch (RuntimeException e) {
      links.close();
      throw e;
    }
    try {
      links.connect(cluster.nodes());
      cluster.mesh();
      return cluster.awaitBootstrapped();
    } catch (RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  /**
   * Lays the cluster out and starts nothing: every node has its data directory, its key and an empty peers file,
   * so a test can fill a directory (a dataset), tell nodes about a node before its first start, and start each
   * node when it chooses ({@link ClusterNode#start()}: port 0 the first time, the same ports after that). Peers
   * are the test's to write ({@link LocalCluster#mesh()}, {@link LocalCluster#setPeers}).
   *
   * @throws IllegalArgumentException with {@link #faultProxies} or {@link #chain} (both need running nodes)
   */
  public LocalCluster prepare() {
    if (linkLatency != null || localChain != null) {
      throw new IllegalArgumentException("prepare(): fault proxies and chain nodes need the nodes started together;"
          + " use start(), or put a proxy of your own in front of a prepared node");
    }
    List<NodeSpec> specs = specs();
    List<ClusterNode> nodes = new ArrayList<>();
    for (NodeSpec spec : specs) {
      StagedNode n = new StagedNode(mode, spec);
      n.nodeKey(); // creates the key now: peers pin it before the node ever runs
      nodes.add(n);
    }
    return new LocalCluster(mode, nodes, peersFiles(specs), pinnedPeers, Links.direct(), awaitTimeout, null);
  }

  private List<NodeSpec> specs() {
    List<NodeSpec> specs = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      String name = "node" + (i + 1);
      specs.add(new NodeSpec(i, dir.resolve(name), dir.resolve(name + ".peers"), antiEntropyInterval, clock,
          configure, settings, args, jvmArgs));
      // the node refuses a --peers-file that does not exist; no peer is known before every node has bound
      LocalCluster.writeAtomically(specs.get(i).peersFile(),
          "# LocalCluster: no peers until every node's ports are known\n");
    }
    return specs;
  }

  private static List<Path> peersFiles(List<NodeSpec> specs) {
    return specs.stream().map(NodeSpec::peersFile).toList();
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
      ChainNetwork network = new ChainNetwork(localChain, dir, slots, antiEntropyInterval, awaitTimeout);
      return new LocalCluster(mode, List.copyOf(slots), List.of(), true, Links.direct(), awaitTimeout, network);
    } catch (RuntimeException e) {
      localChain.close(); // the cluster owns the chain: a test that gets no cluster cannot close it
      throw e;
    }
  }
}
