package org.xmtpj.testing.cluster;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.xmtpj.node.NodeKey;
import org.xmtpj.testing.NodeProcess;

/**
 * A chain-backed cluster node: an {@code xmtpd} process that finds its peers in the chain's active set. Unlike the
 * other nodes it is not started with the cluster: a test provisions it on chain first (or not, to register it by
 * hand), then launches it, so until {@link #launch} it is a slot with a data directory and a key but no process.
 */
final class ChainNode implements ClusterNode {
  private final int index;
  private final Path dataDir;
  private NodeProcess process; // null until launched

  ChainNode(int index, Path dataDir) {
    this.index = index;
    this.dataDir = dataDir;
  }

  /** Starts the process with {@code args}; the ports are bound as port 0 and read from its ports.json. */
  NodeProcess launch(List<String> args) {
    if (process != null) {
      throw new IllegalStateException(name() + " was launched already: restart() it instead");
    }
    process = NodeProcess.start(dataDir, args);
    return process;
  }

  boolean launched() {
    return process != null;
  }

  /** The process; for a node that has not been launched, an IllegalStateException. */
  NodeProcess process() {
    if (process == null) {
      throw new IllegalStateException(name() + " has not been launched: its ports are not known yet");
    }
    return process;
  }

  @Override
  public int index() {
    return index;
  }

  @Override
  public String name() {
    return "node" + (index + 1);
  }

  /** Its key, created in its data directory on first use: a node is registered on chain before it runs. */
  @Override
  public String nodeKey() {
    return process != null ? process.nodeKey() : HexFormat.of().formatHex(NodeKey.loadOrCreate(dataDir).publicKey());
  }

  @Override
  public int httpPort() {
    return process().httpPort();
  }

  @Override
  public int grpcPort() {
    return process().grpcPort();
  }

  @Override
  public int replicationPort() {
    return process().replicationPort();
  }

  /** The node's URL; before it is launched, a placeholder (the conditions' reports name every node). */
  @Override
  public String httpUrl() {
    return process == null ? "(not launched)" : process.httpUrl();
  }

  @Override
  public Path dataDir() {
    return dataDir;
  }

  @Override
  public Optional<Path> logFile() {
    return Optional.ofNullable(process).map(NodeProcess::logFile);
  }

  @Override
  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  @Override
  public long pid() {
    if (!isRunning()) {
      throw new IllegalStateException(name() + " is not running");
    }
    return process.pid();
  }

  @Override
  public void stop() {
    if (isRunning()) {
      process.stop();
    }
  }

  @Override
  public void kill() {
    if (isRunning()) {
      process.kill9();
    }
  }

  @Override
  public void restart() {
    process().restart();
  }

  @Override
  public String toString() {
    return name() + " (chain node, " + (isRunning() ? "process " + process.pid() : "down") + ", " + httpUrl()
        + ")";
  }
}
