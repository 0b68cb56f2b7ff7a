package org.xmtpj.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.xmtpj.chain.local.LocalChain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code xmtpd devnet}: N fully peered nodes on this machine, each a child JVM with its own data directory and log.
 * Runs until Ctrl-C or SIGTERM, then stops every node the way {@code xmtpd start} expects to be stopped (SIGTERM,
 * which drains), and kills what has not exited after 15 s. A SIGKILL of this process leaves the children running.
 */
@Command(name = "devnet", mixinStandardHelpOptions = true,
    description = "Run a local network: a local chain with the contracts, and N nodes registered and staked on it"
        + " whose peers follow the active set (--no-chain: static peers instead). Node i: http P+10(i-1), grpc +1,"
        + " replication +2.")
final class DevnetCommand implements Callable<Integer> {
  private static final Duration STOP_GRACE = Duration.ofSeconds(15);

  @Option(names = "--nodes", defaultValue = "3", description = "how many nodes (default 3)")
  int nodes;

  @Option(names = "--base-port", defaultValue = "5555", description = "HTTP port of node 1 (default 5555)")
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
      + " (default 8545)")
  int chainPort;

  @Option(names = "--jvm-opt", description = "an option for each node's JVM, e.g. --jvm-opt=-Xmx512m; repeatable")
  List<String> jvmOptions = List.of();

  private final List<Process> children = new ArrayList<>();
  private volatile LocalChain chain;
  private volatile boolean running;
  private volatile boolean stopping;

  @Override
  public Integer call() throws Exception {
    DevnetPlan plan = DevnetPlan.create(nodes, basePort, dataDir);
    requirePortsFree(plan);
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
      launchAll(plan);
      awaitHealthy(plan);
    } catch (IOException | RuntimeException e) {
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
    System.out.println("starting a local chain on port " + chainPort + " and deploying the contracts…");
    // rewards are paid per epoch to the nodes that signed its checkpoint (docs/consensus.md §5)
    chain = LocalChain.builder().port(chainPort).workDir(chainDir).deployParameter("gateRewardsByCheckpoints", true)
        .start();
    for (DevnetPlan.Node node : plan.nodes()) {
      byte[] nodeKey = java.util.HexFormat.of().parseHex(node.key());
      long id = DevnetChain.provision(chain, node.index(), nodeKey, node.endpoint(), node.operatorKeyFile());
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

  private void awaitHealthy(DevnetPlan plan) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(startupTimeoutSeconds);
    for (DevnetPlan.Node node : plan.nodes()) {
      Process p = children.get(node.index() - 1);
      while (!healthy(http, node)) {
        if (!p.isAlive()) {
          throw new IllegalStateException("node " + node.index() + " exited with code " + p.exitValue()
              + " while starting; see " + node.log());
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("node " + node.index() + " did not answer " + node.httpUrl()
              + "/healthz within " + startupTimeoutSeconds + " s; see " + node.log());
        }
        Thread.sleep(200);
      }
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
