package org.xmtpj.cli;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.xmtpj.chain.ChainSession;
import org.xmtpj.chain.Deployment;
import org.xmtpj.chain.Signer;
import org.xmtpj.chain.token.TokenClient;
import picocli.CommandLine.Option;

/**
 * Options every operator command shares: which chain, which deployment, whose key. Environment variables fill
 * what the flags leave out, the same names {@code xmtpd start} reads.
 */
final class OperatorContext {
  @Option(names = "--chain-rpc", paramLabel = "URL", description = "JSON-RPC URL of the chain (env XMTPD_CHAIN_RPC;"
      + " default: the one in the deployment file)")
  String rpc;

  @Option(names = "--deployment", paramLabel = "FILE", description = "the contracts' deployment file (env"
      + " XMTPD_CHAIN_DEPLOYMENT; default .xmtpd-devnet/chain/deployment.json)")
  Path deployment;

  @Option(names = "--key-file", paramLabel = "FILE", description = "file holding the signing account's private key"
      + " in hex (env XMTPD_KEY_FILE); a devnet writes one per node to node-i/operator.key")
  Path keyFile;

  /** The flag, else $XMTPD_CHAIN_RPC, else the RPC recorded in the deployment file. */
  String rpcUrl(Deployment d) {
    return firstNonBlank(rpc, System.getenv("XMTPD_CHAIN_RPC"), d.rpc() != null ? d.rpc() : "http://127.0.0.1:8545");
  }

  Deployment deployment() {
    Path file = deployment != null ? deployment
        : Path.of(firstNonBlank(null, System.getenv("XMTPD_CHAIN_DEPLOYMENT"), ".xmtpd-devnet/chain/deployment.json"));
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException("no deployment file at " + file.toAbsolutePath() + ": pass --deployment"
          + " (bin/xmtpd devnet writes DATA_DIR/chain/deployment.json)");
    }
    return Deployment.read(file);
  }

  /** A read-only session. */
  ChainSession readOnly() {
    Deployment d = deployment();
    return ChainSession.connect(rpcUrl(d), d);
  }

  /** A session that signs with the key file's account (the key is checked before the chain is contacted). */
  ChainSession signing() {
    Signer signer = signer();
    return readOnly().withSigner(signer);
  }

  Signer signer() {
    Path file = keyFile != null ? keyFile
        : System.getenv("XMTPD_KEY_FILE") != null ? Path.of(System.getenv("XMTPD_KEY_FILE")) : null;
    if (file == null) {
      throw new IllegalArgumentException("this command sends a transaction: pass --key-file FILE (the account's"
          + " private key in hex) or set XMTPD_KEY_FILE");
    }
    try {
      return Signer.fromPrivateKey(Files.readString(file).trim());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read key file " + file.toAbsolutePath() + ": " + e.getMessage());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("key file " + file.toAbsolutePath() + " does not hold a 32-byte hex"
          + " private key");
    }
  }

  /** Parses an amount of tokens such as {@code 10000} or {@code 2.5} into base units. */
  static BigInteger tokens(String amount) {
    BigDecimal value;
    try {
      value = new BigDecimal(amount.replace("_", "").replace(",", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("amount must be a number of tokens such as 10000 or 2.5, was '" + amount
          + "'");
    }
    if (value.signum() <= 0) {
      throw new IllegalArgumentException("amount must be positive, was " + amount);
    }
    if (value.stripTrailingZeros().scale() > TokenClient.DECIMALS) {
      throw new IllegalArgumentException("amount has more than " + TokenClient.DECIMALS + " decimals: " + amount);
    }
    return value.movePointRight(TokenClient.DECIMALS).toBigIntegerExact();
  }

  /** Base units as tokens with thousands separators, e.g. {@code 20,000.5 XMTPJ}. */
  static String show(BigInteger baseUnits) {
    BigDecimal t = TokenClient.toTokens(baseUnits);
    return String.format("%,." + Math.max(0, Math.min(6, t.scale())) + "f", t) + " tokens";
  }

  static String time(long unixSeconds) {
    return Instant.ofEpochSecond(unixSeconds).toString();
  }

  private static String firstNonBlank(String a, String b, String c) {
    if (a != null && !a.isBlank()) {
      return a;
    }
    return b != null && !b.isBlank() ? b : c;
  }
}
