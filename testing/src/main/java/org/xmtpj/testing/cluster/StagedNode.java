package org.xmtpj.testing.cluster;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;
import org.xmtpj.node.NodeKey;

/**
 * A node of a prepared cluster ({@link ClusterBuilder#prepare()}): a data directory, a key and a peers file
 * before it ever runs, so that its peers can be told about it, or its directory filled with a dataset, first. The
 * test starts it with {@link #start()}; from then on it is the node its {@link LocalCluster.Mode} starts.
 */
final class StagedNode implements ClusterNode {
  private final LocalCluster.Mode mode;
  private final NodeSpec spec;
  private ClusterNode started; // null until the first start

  StagedNode(LocalCluster.Mode mode, NodeSpec spec) {
    this.mode = mode;
    this.spec = spec;
  }

  /** Whether it has run: only then are its ports known. */
  boolean hasRun() {
    return started != null;
  }

  private ClusterNode started() {
    if (started == null) {
      throw new IllegalStateException(name() + " has not been started yet: its ports are not known");
    }
    return started;
  }

  @Override
  public int index() {
    return spec.index();
  }

  @Override
  public String name() {
    return spec.name();
  }

  /** Its key, created in its data directory on first use, which the node then starts with. */
  @Override
  public String nodeKey() {
    return started != null ? started.nodeKey()
        : HexFormat.of().formatHex(NodeKey.loadOrCreate(spec.dataDir()).publicKey());
  }

  @Override
  public int httpPort() {
    return started().httpPort();
  }

  @Override
  public int grpcPort() {
    return started().grpcPort();
  }

  @Override
  public int replicationPort() {
    return started().replicationPort();
  }

  /** The node's URL; before its first start a placeholder (the conditions' reports name every node). */
  @Override
  public String httpUrl() {
    return started == null ? "(not started)" : started.httpUrl();
  }

  @Override
  public Path dataDir() {
    return spec.dataDir();
  }

  @Override
  public Optional<Path> logFile() {
    return started == null ? Optional.empty() : started.logFile();
  }

  @Override
  public boolean isRunning() {
    return started != null && started.isRunning();
  }

  @Override
  public long pid() {
    return started().pid();
  }

  @Override
  public void stop() {
    if (started != null) {
      started.stop();
    }
  }

  @Override
  public void kill() {
    if (started != null) {
      started.kill();
    }
  }

  /** The first time: a start on port 0; then a restart on the ports bound then. */
  @Override
  public void restart() {
    if (started == null) {
      started = mode.start(spec);
    } else {
      started.restart();
    }
  }

  @Override
  public String toString() {
    return started == null ? name() + " (prepared, not started)" : started.toString();
  }
}
