package org.xmtpj.testing.cluster;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What a node of the cluster is started with, in either mode.
 *
 * @param peersFile the file the node reads its peers from ({@code --peers-file}); the cluster writes it once every
 *     node's ports are known, so it does not exist at the first start
 */
record NodeSpec(int index, Path dataDir, Path peersFile, Duration antiEntropyInterval) {
  static final String HOST = "127.0.0.1";

  String name() {
    return "node" + (index + 1);
  }

  /** {@code 30s}-style, as {@code --anti-entropy-interval} and the config file take it. */
  String antiEntropyArgument() {
    return antiEntropyInterval.toMillis() + "ms";
  }
}
