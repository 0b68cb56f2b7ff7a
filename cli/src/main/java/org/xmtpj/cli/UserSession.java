package org.xmtpj.cli;

import java.nio.file.Path;
import java.util.Arrays;
import org.xmtpj.cli.keystore.KeystoreDirectory;
import org.xmtpj.cli.keystore.KeystoreException;
import org.xmtpj.cli.keystore.Passphrases;
import org.xmtpj.cli.keystore.WalletKeystore;
import org.xmtpj.client.Signer;
import org.xmtpj.client.XmtpClient;
import org.xmtpj.onchain.RegistryException;

/** The CLI user's wallet (from the local keystore) and a client for it on the chosen node. */
final class UserSession {
  private UserSession() {}

  static KeystoreDirectory keystore(Path home) {
    return home == null ? new KeystoreDirectory() : new KeystoreDirectory(home);
  }

  /** Decrypts the wallet key; a missing wallet is an error that says how to make one. */
  static byte[] walletKey(KeystoreDirectory dir, Passphrases passphrases) {
    if (!dir.exists()) {
      throw new CliException("no wallet in " + dir.home() + " yet: run `xmtp init` first"
          + " (or pass --home / set XMTP_HOME to use another one)");
    }
    String json = dir.load();
    char[] passphrase = passphrases.existing("Passphrase for " + WalletKeystore.address(json).orElse("wallet") + ": ");
    try {
      return WalletKeystore.decrypt(json, passphrase);
    } finally {
      Arrays.fill(passphrase, '\0');
    }
  }

  static XmtpClient connect(ClientMain root) {
    byte[] key = walletKey(keystore(root.home), root.passphrases);
    try {
      return connect(root, key);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /**
   * A client for the wallet {@code key} on the chosen node; with a chain configured (--chain-rpc, --deployment),
   * it reads identity keys and invite topics from the IdentityRegistry.
   */
  static XmtpClient connect(ClientMain root, byte[] key) {
    XmtpClient.Builder builder = XmtpClient.builder(Signer.privateKey(key)).node(root.node);
    root.chain().directoryIfConfigured().ifPresent(builder::directory);
    return builder.build();
  }

  /** A failure whose message a person can act on; printed without a stack trace. */
  static final class CliException extends RuntimeException {
    CliException(String message) {
      super(message);
    }
  }

  /** Turns any failure into one line for a person. */
  static String describe(Throwable e, String node) {
    if (e instanceof org.xmtpj.client.XmtpException x) {
      return switch (x.kind()) {
        case NODE_UNREACHABLE -> "cannot reach the node at " + node + " (is it running? start one with"
            + " `bin/xmtpd devnet`, or pass --node URL): " + x.getMessage();
        case NOT_ON_NETWORK -> x.getMessage() + "; they must run an XMTP client once before you can message them";
        default -> x.getMessage();
      };
    }
    if (e instanceof RegistryException r) {
      return RegistryCommands.describe(r);
    }
    if (e instanceof KeystoreException k && k.reason() == KeystoreException.Reason.WRONG_PASSPHRASE) {
      return "wrong passphrase for the wallet";
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }
}
