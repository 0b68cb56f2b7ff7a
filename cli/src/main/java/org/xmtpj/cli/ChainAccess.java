package org.xmtpj.cli;

import java.nio.file.Path;
import java.util.Optional;
import org.xmtpj.chain.ChainException;
import org.xmtpj.chain.ChainSession;
import org.xmtpj.chain.Deployment;
import org.xmtpj.onchain.ChainIdentityDirectory;

/**
 * The chain that the {@code xmtp} commands use for the IdentityRegistry, from {@code --chain-rpc} and
 * {@code --deployment} (or $XMTP_CHAIN_RPC and $XMTP_DEPLOYMENT). Connected on first use, closed with the command.
 */
final class ChainAccess implements AutoCloseable {
  static final String HOW = "pass --chain-rpc URL and --deployment FILE (or set XMTP_CHAIN_RPC and XMTP_DEPLOYMENT)";

  private final String rpcUrl;
  private final Path deploymentFile;
  private Deployment deployment;
  private ChainSession session;
  private ChainIdentityDirectory directory;

  ChainAccess(String rpcUrl, Path deploymentFile) {
    this.rpcUrl = rpcUrl == null || rpcUrl.isBlank() ? null : rpcUrl.strip();
    this.deploymentFile = deploymentFile;
  }

  /** True if either setting was given (then both are required). */
  boolean configured() {
    return rpcUrl != null || deploymentFile != null;
  }

  String rpcUrl() {
    return rpcUrl;
  }

  /** The connected session; fails with a line that says which setting is missing or what is unreachable. */
  synchronized ChainSession session() {
    if (session == null) {
      try {
        session = ChainSession.connect(rpcUrl, deployment());
      } catch (ChainException e) {
        String message = String.valueOf(e.getMessage());
        throw new UserSession.CliException(message.startsWith("cannot reach")
            ? "cannot reach the chain at " + rpcUrl + " (is it running? start one with"
                + " contracts/scripts/start-node.sh, or pass --chain-rpc URL): " + message
            : message);
      }
    }
    return session;
  }

  /**
   * The registry as an SDK directory, on its own connection so that its errors name the URL. Checks that the
   * chain answers first, for the same actionable error as {@link #session()}.
   */
  synchronized ChainIdentityDirectory directory() {
    if (directory == null) {
      session();
      directory = ChainIdentityDirectory.open(rpcUrl, deployment());
    }
    return directory;
  }

  /** The directory when a chain is configured; nothing when neither setting was given. */
  Optional<ChainIdentityDirectory> directoryIfConfigured() {
    return configured() ? Optional.of(directory()) : Optional.empty();
  }

  @Override
  public synchronized void close() {
    if (directory != null) {
      directory.close();
    }
    if (session != null) {
      session.close();
    }
  }

  private void requireSettings() {
    if (rpcUrl == null && deploymentFile == null) {
      throw new UserSession.CliException("no chain configured: " + HOW);
    }
    if (rpcUrl == null) {
      throw new UserSession.CliException("--chain-rpc URL (or XMTP_CHAIN_RPC) is missing: the JSON-RPC endpoint of"
          + " the chain that " + deploymentFile + " describes");
    }
    if (deploymentFile == null) {
      throw new UserSession.CliException("--deployment FILE (or XMTP_DEPLOYMENT) is missing: the deployment file"
          + " that contracts/scripts/deploy.js wrote for the chain at " + rpcUrl);
    }
  }

  private Deployment deployment() {
    if (deployment == null) {
      requireSettings();
      try {
        deployment = Deployment.read(deploymentFile);
      } catch (ChainException e) {
        throw new UserSession.CliException(e.getMessage() + " (--deployment / XMTP_DEPLOYMENT)");
      }
    }
    return deployment;
  }
}
