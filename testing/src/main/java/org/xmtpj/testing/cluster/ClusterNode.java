package org.xmtpj.testing.cluster;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One node of a {@link LocalCluster}, whichever way it runs. Its ports are bound on the first start (port 0) and
 * kept across {@link #restart()}, so peers, proxies and clients find it where it was. Drive it from one test
 * thread.
 */
public interface ClusterNode {
  /** Its position in the cluster, from 0. */
  int index();

  /** {@code node1}, {@code node2}, …: also the name of its data directory. */
  String name();

  /** The node's public key (hex), as peers pin it. */
  String nodeKey();

  int httpPort();

  int grpcPort();

  int replicationPort();

  /** {@code http://127.0.0.1:<httpPort>}, without a trailing slash. */
  String httpUrl();

  Path dataDir();

  /** The node's own log file; empty for a node in this JVM (it logs with the test). */
  Optional<Path> logFile();

  boolean isRunning();

  /**
   * The operating-system process the node runs in: its own for a process, this JVM's for a node in this JVM (so
   * CPU read from it is the whole JVM's there).
   *
   * @throws IllegalStateException while a process node is not running
   */
  long pid();

  /**
   * Starts a node that does not run: a node of a {@link ClusterBuilder#prepare() prepared} cluster the first
   * time on port 0, any other on the ports it bound before (as {@link #restart()}).
   *
   * @throws IllegalStateException when it runs already
   */
  default void start() {
    if (isRunning()) {
      throw new IllegalStateException(name() + " runs already: stop() it first, or restart() it");
    }
    restart();
  }

  /** An orderly stop: the node drains in-flight publishes and closes its store. */
  void stop();

  /**
   * A crash. For a process: SIGKILL, no shutdown hooks. A node in this JVM cannot be killed apart from the JVM,
   * so there it is the same as {@link #stop()}.
   */
  void kill();

  /** Starts the node again (stopping it first if it runs) on the same data directory and the same ports. */
  void restart();
}
