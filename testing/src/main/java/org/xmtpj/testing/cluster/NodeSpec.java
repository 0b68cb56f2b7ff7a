package org.xmtpj.testing.cluster;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.xmtpj.node.NodeConfig;

/**
 * What a node of the cluster is started with, in either mode.
 *
 * @param peersFile the file the node reads its peers from ({@code --peers-file}); the cluster writes it once every
 *     node's ports are known, so it does not exist at the first start
 * @param clock the clock of a node in this JVM (a process runs on the system clock)
 * @param configure applied last to the configuration of a node in this JVM, on every start
 * @param settings {@code key=value} settings a process is started with ({@code --set})
 * @param args further {@code xmtpd start} arguments of a process, after the cluster's own
 * @param jvmArgs options for a process's JVM (e.g. {@code -Xmx512m}), before its main class
 */
record NodeSpec(int index, Path dataDir, Path peersFile, Duration antiEntropyInterval, Clock clock,
    UnaryOperator<NodeConfig> configure, List<String> settings, List<String> args, List<String> jvmArgs) {
  static final String HOST = "127.0.0.1";

  NodeSpec {
    settings = List.copyOf(settings);
    args = List.copyOf(args);
    jvmArgs = List.copyOf(jvmArgs);
  }

  String name() {
    return "node" + (index + 1);
  }

  /** {@code 30s}-style, as {@code --anti-entropy-interval} and the config file take it. */
  String antiEntropyArgument() {
    return antiEntropyInterval.toMillis() + "ms";
  }
}
