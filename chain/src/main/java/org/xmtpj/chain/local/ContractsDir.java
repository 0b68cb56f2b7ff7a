package org.xmtpj.chain.local;

import java.nio.file.Files;
import java.nio.file.Path;
import org.xmtpj.chain.ChainException;

/** Finds the repository's {@code contracts/} directory, which holds the node scripts and the compiled artifacts. */
final class ContractsDir {
  static final String PROPERTY = "xmtpj.contracts.dir";
  static final String ENV = "XMTPJ_CONTRACTS_DIR";

  private ContractsDir() {}

  /** -Dxmtpj.contracts.dir, else $XMTPJ_CONTRACTS_DIR, else the nearest {@code contracts/} above the cwd. */
  static Path locate() {
    String configured = System.getProperty(PROPERTY, System.getenv(ENV));
    if (configured != null && !configured.isBlank()) {
      Path dir = Path.of(configured).toAbsolutePath().normalize();
      if (!isContractsDir(dir)) {
        throw new ChainException(dir + " (from " + PROPERTY + " / " + ENV + ") has no scripts/start-node.sh");
      }
      return dir;
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (isContractsDir(p.resolve("contracts"))) {
        return p.resolve("contracts");
      }
    }
    throw new ChainException("cannot find the contracts/ directory: set -D" + PROPERTY + " or $" + ENV);
  }

  private static boolean isContractsDir(Path dir) {
    return Files.isRegularFile(dir.resolve("scripts/start-node.sh"));
  }
}
