package org.xmtpj.testing.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.xmtpj.node.NodeConfig;
import org.xmtpj.node.NodePorts;
import org.xmtpj.node.XmtpNode;
import org.xmtpj.node.ratelimit.RateLimitConfig;

/** A cluster node that is an {@link XmtpNode} in this JVM: the fast mode, with the same ports and peers file. */
final class InJvmNode implements ClusterNode {
  /** Like {@code NodeProcess.restart}: how long a restart waits for a port someone else's connection holds. */
  private static final Duration REBIND_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration REBIND_POLL = Duration.ofMillis(100);
  // rate limits off: tests publish in bursts from one identity, which a real deployment would throttle
  private static final RateLimitConfig NO_RATE_LIMIT = new RateLimitConfig(false, 1, 1, 1, 1, 10);

  private final NodeSpec spec;
  private final NodePorts ports; // bound on the first start, reused by every restart
  private XmtpNode node; // null while stopped

  private InJvmNode(NodeSpec spec, XmtpNode node) {
    this.spec = spec;
    this.node = node;
    this.ports = node.ports();
  }

  static InJvmNode start(NodeSpec spec) {
    try {
      Files.createDirectories(spec.dataDir());
      return new InJvmNode(spec, open(config(spec, 0, 0, 0), spec.clock()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + spec.name() + " in " + spec.dataDir(), e);
    }
  }

  private static NodeConfig config(NodeSpec spec, int http, int grpc, int replication) {
    NodeConfig c = NodeConfig.defaults(spec.dataDir()).withPorts(NodeSpec.HOST, http, grpc)
        .withRateLimit(NO_RATE_LIMIT);
    c = c.withReplication(c.replication().withPort(replication)
        .withAntiEntropyInterval(spec.antiEntropyInterval()).withPeersFile(spec.peersFile()));
    NodeConfig tweaked = spec.configure().apply(c);
    // the ports are the cluster's: a tweak that moved them would break the peers files and restarts
    return tweaked.withPorts(NodeSpec.HOST, http, grpc)
        .withReplication(tweaked.replication().withPort(replication).withPeersFile(spec.peersFile()));
  }

  /** Constructs and starts a node; a node that fails to start is closed, so its store is free for the next try. */
  private static XmtpNode open(NodeConfig config, Clock clock) throws IOException {
    XmtpNode n = new XmtpNode(config, clock);
    try {
      return n.start();
    } catch (IOException | RuntimeException e) {
      try {
        n.close();
      } catch (RuntimeException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  /**
   * The running node, for what a test checks inside it (its store, its replicator).
   *
   * @throws IllegalStateException while it is stopped
   */
  XmtpNode xmtpNode() {
    XmtpNode n = node;
    if (n == null) {
      throw new IllegalStateException(name() + " is not running");
    }
    return n;
  }

  @Override
  public int index() {
    return spec.index();
  }

  @Override
  public String name() {
    return spec.name();
  }

  @Override
  public String nodeKey() {
    return ports.node();
  }

  @Override
  public int httpPort() {
    return ports.http();
  }

  @Override
  public int grpcPort() {
    return ports.grpc();
  }

  @Override
  public int replicationPort() {
    return ports.replication();
  }

  @Override
  public String httpUrl() {
    return "http://" + NodeSpec.HOST + ":" + ports.http();
  }

  @Override
  public Path dataDir() {
    return spec.dataDir();
  }

  @Override
  public Optional<Path> logFile() {
    return Optional.empty();
  }

  @Override
  public boolean isRunning() {
    return node != null;
  }

  @Override
  public long pid() {
    return ProcessHandle.current().pid();
  }

  @Override
  public void stop() {
    if (node != null) {
      XmtpNode n = node;
      node = null;
      n.close();
    }
  }

  @Override
  public void kill() {
    stop();
  }

  /**
   * Starts again on the ports of the first start. While the node was down another socket (an outgoing
   * connection's ephemeral port) may have taken one of them; that frees when the connection ends, so the start is
   * retried while the failure is a bind failure.
   */
  @Override
  public void restart() {
    stop();
    NodeConfig fixed = config(spec, ports.http(), ports.grpc(), ports.replication());
    AtomicReference<IOException> lastBindFailure = new AtomicReference<>();
    try {
      Awaitility.await(name() + " restarted on its ports").atMost(REBIND_TIMEOUT).pollInterval(REBIND_POLL)
          .pollInSameThread().until(() -> {
            try {
              node = open(fixed, spec.clock());
              return true;
            } catch (IOException e) {
              if (!isBindFailure(e)) {
                throw new UncheckedIOException("cannot restart " + name(), e);
              }
              lastBindFailure.set(e);
              return false;
            }
          });
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException(name() + " could not bind its ports " + ports + " again within "
          + REBIND_TIMEOUT.toSeconds() + " s", lastBindFailure.get());
    }
  }

  private static boolean isBindFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException || String.valueOf(t.getMessage()).contains("Failed to bind")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return name() + " (in this JVM, " + (isRunning() ? "running" : "down") + ", " + httpUrl() + ")";
  }
}
