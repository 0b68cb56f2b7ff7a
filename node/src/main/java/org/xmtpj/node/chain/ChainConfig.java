package org.xmtpj.node.chain;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a node follows the chain: membership from the registry contracts instead of a static peer list.
 *
 * @param rpcUrl the JSON-RPC endpoint of an EVM node
 * @param deploymentFile the deployment file written by {@code contracts/scripts/deploy.js} (chain id, addresses)
 * @param pollInterval how often the indexer asks for new blocks
 * @param confirmations blocks behind the head the indexer stays (0 indexes the head and relies on reorg handling)
 * @param staleAfter how long without a successful poll before the node reports its chain view as stale
 * @param operatorKey the operator's secp256k1 private key (hex), or null; with it the node calls
 *     {@code advanceEpoch} when an epoch is due, so that the active set follows the stakes without a keeper, and
 *     signs and submits checkpoints
 * @param faultEquivocate fault injection for tests of slashing: sign a second, different root for every epoch
 */
public record ChainConfig(String rpcUrl, Path deploymentFile, Duration pollInterval, long confirmations,
    Duration staleAfter, String operatorKey, boolean faultEquivocate) {

  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(2);
  public static final Duration DEFAULT_STALE_AFTER = Duration.ofSeconds(60);

  public ChainConfig {
    Objects.requireNonNull(rpcUrl, "rpcUrl");
    Objects.requireNonNull(deploymentFile, "deploymentFile");
    if (!rpcUrl.startsWith("http://") && !rpcUrl.startsWith("https://")) {
      throw new IllegalArgumentException("chain RPC must be an http(s) URL, was '" + rpcUrl + "'");
    }
    if (pollInterval.toMillis() < 50 || pollInterval.toMinutes() > 10) {
      throw new IllegalArgumentException("chain poll interval must be between 50 ms and 10 min, was " + pollInterval);
    }
    if (confirmations < 0 || confirmations > 1_000) {
      throw new IllegalArgumentException("chain confirmations must be 0..1000, was " + confirmations);
    }
    if (staleAfter.compareTo(pollInterval) <= 0) {
      throw new IllegalArgumentException("chain staleAfter must exceed the poll interval");
    }
    if (operatorKey != null && !operatorKey.replaceFirst("^0x", "").matches("[0-9a-fA-F]{64}")) {
      throw new IllegalArgumentException("operator key must be 32 bytes of hex");
    }
  }

  public static ChainConfig of(String rpcUrl, Path deploymentFile) {
    return new ChainConfig(rpcUrl, deploymentFile, DEFAULT_POLL_INTERVAL, 0, DEFAULT_STALE_AFTER, null, false);
  }

  public ChainConfig withPollInterval(Duration d) {
    return new ChainConfig(rpcUrl, deploymentFile, d, confirmations, staleAfter, operatorKey, faultEquivocate);
  }

  public ChainConfig withOperatorKey(String key) {
    return new ChainConfig(rpcUrl, deploymentFile, pollInterval, confirmations, staleAfter, key, faultEquivocate);
  }

  /** For logs: never prints the operator key. */
  public String describe() {
    return "{rpc=" + rpcUrl + " deployment=" + deploymentFile.toAbsolutePath() + " poll=" + pollInterval
        + " confirmations=" + confirmations + " staleAfter=" + staleAfter + " epochKeeper="
        + (operatorKey == null ? "off" : "on") + (faultEquivocate ? " FAULT:equivocate" : "") + "}";
  }

  @Override
  public String toString() {
    return "ChainConfig" + describe();
  }
}
