package org.xmtpj.testing.cluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.xmtpj.testing.NodeProcess;

/** A cluster node that is a real {@code xmtpd} JVM ({@link NodeProcess}: port 0, ports read from ports.json). */
final class ProcessNode implements ClusterNode {
  private final NodeSpec spec;
  private final NodeProcess process;

  private ProcessNode(NodeSpec spec, NodeProcess process) {
    this.spec = spec;
    this.process = process;
  }

  static ProcessNode start(NodeSpec spec) {
    // rate limits off: tests publish in bursts from one identity, which a real deployment would throttle
    List<String> args = new ArrayList<>(List.of("--no-rate-limit",
        "--anti-entropy-interval", spec.antiEntropyArgument(),
        "--peers-file", spec.peersFile().toString()));
    for (String setting : spec.settings()) {
      args.add("--set");
      args.add(setting);
    }
    args.addAll(spec.args());
    return new ProcessNode(spec, NodeProcess.start(spec.dataDir(), spec.jvmArgs(), args));
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
    return process.nodeKey();
  }

  @Override
  public int httpPort() {
    return process.httpPort();
  }

  @Override
  public int grpcPort() {
    return process.grpcPort();
  }

  @Override
  public int replicationPort() {
    return process.replicationPort();
  }

  @Override
  public String httpUrl() {
    return process.httpUrl();
  }

  @Override
  public Path dataDir() {
    return process.dataDir();
  }

  @Override
  public Optional<Path> logFile() {
    return Optional.of(process.logFile());
  }

  @Override
  public boolean isRunning() {
    return process.isAlive();
  }

  @Override
  public long pid() {
    if (!process.isAlive()) {
      throw new IllegalStateException(name() + " is not running");
    }
    return process.pid();
  }

  @Override
  public void stop() {
    if (process.isAlive()) {
      process.stop();
    }
  }

  @Override
  public void kill() {
    if (process.isAlive()) {
      process.kill9();
    }
  }

  @Override
  public void restart() {
    process.restart();
  }

  @Override
  public String toString() {
    return name() + " (process " + (isRunning() ? process.pid() : "down") + ", " + httpUrl() + ")";
  }
}
