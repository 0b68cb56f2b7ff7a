package org.xmtpj.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.xmtpj.chain.local.LocalChain;
import org.xmtpj.node.NodePorts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code xmtpd devnet}: N fully peered nodes on this machine, each a child JVM with its own data directory and log.
 * Runs until Ctrl-C or SIGTERM, then stops every node the way {@code xmtpd start} expects to be stopped (SIGTERM,
 * which drains), and kills what has not exited after 15 s. A SIGKILL of this process leaves the children running.
 *
 * <p>{@code --base-port 0}: every listener binds port 0, so that devnets (and tests) never collide on a port. The
 * ports are read from each node's {@code ports.json} once it is up, then handed to the others: on chain by updating
 * the node's registered endpoint (registered as {@value DevnetPlan#UNBOUND} before it started), without a chain
 * through each node's peers file.
 */
@Command(name = "devnet", mixinStandardHelpOptions = true,
    description = "Run a local network: a local chain with the contracts, and N nodes registered and staked on it"
        + " whose peers follow the active set (--no-chain: static peers instead). Node i: http P+10(i-1), grpc +1,"
        + " replication +2; --base-port 0: every listener on a free port, shown in the table printed.")
final class DevnetCommand implements Callable<Integer> {
  private static final Duration STOP_GRACE = Duration.ofSeconds(15);

  @Option(names = "--nodes", defaultValue = "3", description = "how many nodes (default 3)")
  int nodes;

  @Option(names = "--base-port", defaultValue = "5555", description = "HTTP port of node 1 (default 5555);"
      + " 0: every node binds free ports, printed once they are up")
  int basePort;

  @Option(names = "--data-dir", defaultValue = ".xmtpd-devnet", description = "parent of the node-i directories"
      + " (default .xmtpd-devnet)")
  Path dataDir;

  @Option(names = "--startup-timeout", defaultValue = "90", description = "seconds to wait for each node's"
      + " /healthz (default 90)")
  int startupTimeoutSeconds;

  @Option(names = "--no-chain", description = "no local chain: static peers, every node pinning all the others")
  boolean noChain;

  @Option(names = "--chain-port", defaultValue = "8545", description = "port of the local Hardhat chain"
      + " (default 8545; 0: a free port, printed)")
  int chainPort;

  @Option(names = "--jvm-opt", description = "an option for each node's JVM, e.g. --jvm-opt=-Xmx512m; repeatable")
  List<String> jvmOptions = List.of();

  private final List<Process> children = new ArrayList<>();
  private final Map<Integer, Long> nodeIds = new HashMap<>(); // node index -> its id on the NodeRegistry
  private volatile LocalChain chain;
  private volatile boolean running;
  private volatile boolean stopping;

  @Override
  public Integer call() throws Exception {
    DevnetPlan plan = DevnetPlan.create(nodes, basePort, dataDir);
    if (basePort != 0) {
      requirePortsFree(plan);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stopAll();
      stopped.countDown();
      if (running) {
        Runtime.getRuntime().halt(0); // ended by a signal, but every node was stopped: that is success
      }
    }, "devnet-shutdown"));
    try {
      if (!noChain) {
        plan = startChain(plan);
      }
      prepare(plan);
      launchAll(plan);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(startupTimeoutSeconds);
      if (basePort == 0) {
        plan = plan.withPorts(awaitPorts(plan, deadline));
        introduce(plan);
      }
      awaitHealthy(plan, deadline);
    } catch (Exception e) {
      stopAll();
      throw e;
    }
    running = true;
    System.out.print(plan.table());
    System.out.println("devnet of " + nodes + " nodes running; Ctrl-C stops them all");
    System.out.flush();
    watchForExits(plan);
    stopped.await();
    return 0;
  }

  /** Starts the local chain, deploys, and funds, registers and stakes every node; then the first snapshot. */
  private DevnetPlan startChain(DevnetPlan plan) throws IOException {
    Path chainDir = plan.dir().resolve("chain");
    System.out.println("starting a local chain " + (chainPort == 0 ? "on a free port" : "on port " + chainPort)
        + " and deploying the contracts…");
    // rewards are paid per epoch to the nodes that signed its checkpoint (docs/consensus.md §5)
    chain = LocalChain.builder().port(chainPort).workDir(chainDir).deployParameter("gateRewardsByCheckpoints", true)
        .start();
    for (DevnetPlan.Node node : plan.nodes()) {
      // the node key signs its own registration (NodeRegistry's proof of possession): the pair, not the public key
      var nodeKey = org.xmtpj.node.NodeKey.loadOrCreate(node.dataDir());
      long id = DevnetChain.provision(chain, node.index(), nodeKey, node.endpoint(), node.operatorKeyFile());
      nodeIds.put(node.index(), id);
      System.out.println("node " + node.index() + ": registered as node id " + id + ", self-staked "
          + DevnetChain.SELF_STAKE_TOKENS + " tokens");
    }
    var set = DevnetChain.snapshot(chain);
    System.out.println("epoch " + set.epoch() + " active set: " + set.nodeIds());
    return plan.withChain(new DevnetPlan.Chain(chain.rpcUrl(), chain.deploymentFile()));
  }

  /**
   * A port already taken (another devnet, a node) would let a foreign process answer our health checks while our
   * node fails to bind: refuse up front instead.
   */
  private static void requirePortsFree(DevnetPlan plan) {
    for (DevnetPlan.Node node : plan.nodes()) {
      for (int port : new int[] {node.httpPort(), node.grpcPort(), node.replicationPort()}) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName(DevnetPlan.HOST))) {
          s.setReuseAddress(true);
        } catch (IOException e) {
          throw new IllegalArgumentException("port " + port + " (node " + node.index() + ") is in use; choose"
              + " another --base-port or stop what is using it");
        }
      }
    }
  }

  /**
   * Clears what an earlier run left in the data directories that would mislead this one: a {@code ports.json}
   * naming that run's ports (read before the new node has removed it), and peers files naming them.
   */
  private static void prepare(DevnetPlan plan) throws IOException {
    for (DevnetPlan.Node node : plan.nodes()) {
      Files.createDirectories(node.dataDir());
      Files.deleteIfExists(node.dataDir().resolve(NodePorts.FILE));
      if (plan.chain() == null && node.unbound()) {
        writePeersFile(node, List.of());
      }
    }
  }

  /**
   * Tells every node where the others listen, now that they have bound their ports: on chain, each node's
   * registered endpoint becomes its replication address (the nodes follow NodeUpdated events); without a chain,
   * each node's peers file gets the others (re-read within 250 ms).
   */
  private void introduce(DevnetPlan plan) throws IOException {
    for (DevnetPlan.Node node : plan.nodes()) {
      if (chain != null) {
        DevnetChain.updateEndpoint(chain, node.index(), nodeIds.get(node.index()), node.endpoint());
      } else {
        writePeersFile(node, plan.peersOf(node));
      }
    }
  }

  /** Replaces the file atomically, as PeersFile asks, so the node never reads half of it. */
  private static void writePeersFile(DevnetPlan.Node node, List<String> peers) throws IOException {
    Path tmp = node.peersFile().resolveSibling(node.peersFile().getFileName() + ".tmp");
    List<String> lines = new ArrayList<>(List.of("# written by xmtpd devnet: the other nodes, once they are up"));
    lines.addAll(peers);
    Files.write(tmp, lines);
    Files.move(tmp, node.peersFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private void launchAll(DevnetPlan plan) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = System.getProperty("java.class.path");
    for (DevnetPlan.Node node : plan.nodes()) {
      ProcessBuilder pb = new ProcessBuilder(plan.command(node, java, classPath, jvmOptions))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.to(node.log().toFile()));
      synchronized (children) {
        children.add(pb.start());
      }
    }
  }

  /** The ports every node bound, in node order, as each writes them to its ports.json once they are all up. */
  private List<NodePorts> awaitPorts(DevnetPlan plan, long deadline) throws Exception {
    List<NodePorts> ports = new ArrayList<>();
    for (DevnetPlan.Node node : plan.nodes()) {
      ports.add(awaitNode(node, deadline, "write its " + NodePorts.FILE, () -> NodePorts.read(node.dataDir())));
    }
    return ports;
  }

  private void awaitHealthy(DevnetPlan plan, long deadline) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    for (DevnetPlan.Node node : plan.nodes()) {
      awaitNode(node, deadline, "answer " + node.httpUrl() + "/healthz",
          () -> healthy(http, node) ? Optional.of(true) : Optional.empty());
    }
  }

  /** Polls {@code probe} until it has a value; fails as soon as the node exits, or at the startup deadline. */
  private <T> T awaitNode(DevnetPlan.Node node, long deadline, String what, Callable<Optional<T>> probe)
      throws Exception {
    Process p = children.get(node.index() - 1);
    while (true) {
      Optional<T> value = probe.call();
      if (value.isPresent()) {
        return value.get();
      }
      if (!p.isAlive()) {
        throw new IllegalStateException("node " + node.index() + " exited with code " + p.exitValue()
            + " while starting; see " + node.log());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("node " + node.index() + " did not " + what + " within "
            + startupTimeoutSeconds + " s; see " + node.log());
      }
      Thread.sleep(200);
    }
  }

  private static boolean healthy(HttpClient http, DevnetPlan.Node node) throws InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(node.httpUrl() + "/healthz"))
        .timeout(Duration.ofSeconds(2)).GET().build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false; // not listening yet
    }
  }

  /**
   * A node that dies on its own is reported, and the others keep running (a devnet is for poking at); once every
   * node is gone there is nothing left to run, so the devnet exits with status 1.
   */
  private void watchForExits(DevnetPlan plan) {
    List<CompletableFuture<Process>> exits = new ArrayList<>();
    for (DevnetPlan.Node node : plan.nodes()) {
      exits.add(children.get(node.index() - 1).onExit().thenApply(p -> {
        if (!stopping) {
          System.err.println("devnet: node " + node.index() + " exited with code " + p.exitValue() + "; see "
              + node.log());
        }
        return p;
      }));
    }
    CompletableFuture.allOf(exits.toArray(CompletableFuture[]::new)).thenRun(() -> {
      if (!stopping) {
        System.err.println("devnet: every node has exited");
        running = false;
        System.exit(1);
      }
    });
  }

  /** SIGTERM to every child (each drains), then kill whatever is still running after the grace period. */
  private void stopAll() {
    stopping = true;
    List<Process> all;
    synchronized (children) {
      all = List.copyOf(children);
    }
    all.forEach(Process::destroy);
    long deadline = System.nanoTime() + STOP_GRACE.toNanos();
    for (Process p : all) {
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        if (!p.waitFor(left, TimeUnit.NANOSECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
  }
}
