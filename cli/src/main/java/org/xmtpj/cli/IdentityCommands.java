package org.xmtpj.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.xmtpj.cli.keystore.KeystoreDirectory;
import org.xmtpj.cli.keystore.WalletKeystore;
import org.xmtpj.client.ConsentState;
import org.xmtpj.client.XmtpClient;
import org.xmtpj.crypto.Secp256k1;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** Commands about the user: wallet and identity, reachability of others, consent. */
final class IdentityCommands {
  private IdentityCommands() {}

  @Command(name = "init", description = {
      "Create a wallet (or import one) in the local keystore, encrypted with a passphrase,",
      "and register its XMTP identity on the node."})
  static final class Init implements Callable<Integer> {
    @ParentCommand
    ClientMain root;

    @ArgGroup(exclusive = true)
    Source source;

    static final class Source {
      @Option(names = "--import-key", paramLabel = "HEX", description = "import this wallet private key (0x + 64 hex)")
      String key;

      @Option(names = "--import-keystore", paramLabel = "FILE",
          description = "import a Web3 Secret Storage (geth/MetaMask/ethers) keystore file")
      Path keystoreFile;
    }

    @Option(names = "--force", description = "replace an existing wallet (its key is lost unless backed up)")
    boolean force;

    @Override
    public Integer call() {
      PrintWriter out = root.out();
      KeystoreDirectory dir = UserSession.keystore(root.home);
      if (dir.exists() && !force) {
        String address = WalletKeystore.address(dir.load()).orElse("?");
        throw new UserSession.CliException("a wallet already exists in " + dir.home() + " (" + address
            + "); use --force to replace it, or --home DIR for another one");
      }
      SecureRandom random = new SecureRandom();
      char[] passphrase = root.passphrases.create("New passphrase for the wallet: ");
      try {
        String json = keystoreJson(random, passphrase);
        if (dir.exists()) {
          dir.replace(json);
        } else {
          dir.save(json);
        }
        out.println("wallet " + WalletKeystore.address(json).orElseThrow() + " saved in " + dir.walletFile());
      } finally {
        Arrays.fill(passphrase, '\0');
      }
      out.flush();
      try (XmtpClient client = UserSession.connect(root)) {
        out.println("XMTP identity of " + client.address() + " is ready on " + client.node());
      }
      return 0;
    }

    private String keystoreJson(SecureRandom random, char[] passphrase) {
      byte[] key;
      if (source != null && source.keystoreFile != null) {
        char[] old = root.passphrases.existing("Passphrase of " + source.keystoreFile + ": ");
        key = WalletKeystore.decrypt(readFile(source.keystoreFile), old);
        Arrays.fill(old, '\0');
      } else if (source != null && source.key != null) {
        key = KeystoreDirectory.parsePrivateKeyHex(source.key);
      } else {
        key = Secp256k1.generatePrivateKey(random);
      }
      try {
        return WalletKeystore.encrypt(key, passphrase, root.scrypt, random);
      } finally {
        Arrays.fill(key, (byte) 0);
      }
    }

    private static String readFile(Path p) {
      try {
        return java.nio.file.Files.readString(p);
      } catch (java.io.IOException e) {
        throw new UserSession.CliException("cannot read " + p + ": " + e.getMessage());
      }
    }
  }

  @Command(name = "whoami", description = "Show the wallet address, the node and the XMTP identity key.")
  static final class WhoAmI implements Callable<Integer> {
    @ParentCommand
    ClientMain root;

    @Override
    public Integer call() {
      try (XmtpClient client = UserSession.connect(root)) {
        PrintWriter out = root.out();
        out.println("address       " + client.address());
        out.println("node          " + client.node());
        out.println("identity key  " + HexFormat.of().formatHex(client.identityKey()));
        out.println("keystore      " + UserSession.keystore(root.home).walletFile());
      }
      return 0;
    }
  }

  /** A command over a list of addresses, run with the user's client. */
  abstract static class AddressCommand implements Callable<Integer> {
    @ParentCommand
    ClientMain root;

    @Parameters(paramLabel = "ADDRESS", arity = "1..*")
    List<String> addresses;

    @Override
    public Integer call() {
      try (XmtpClient client = UserSession.connect(root)) {
        return run(client);
      }
    }

    abstract int run(XmtpClient client);
  }

  @Command(name = "can-message", description = "Tell whether addresses have an XMTP identity on the network.")
  static final class CanMessage extends AddressCommand {
    @Override
    int run(XmtpClient client) {
      Map<String, Boolean> answers = client.canMessage(addresses);
      answers.forEach((a, yes) -> root.out().println(a + "  " + (yes ? "yes" : "no (not on the network)")));
      return answers.containsValue(false) ? 1 : 0;
    }
  }

  @Command(name = "allow", description = "Allow addresses (consent, shared with every XMTP client of this wallet).")
  static final class Allow extends AddressCommand {
    @Override
    int run(XmtpClient client) {
      return setConsent(root, client, addresses, ConsentState.ALLOWED);
    }
  }

  @Command(name = "deny", description = "Deny addresses (consent, shared with every XMTP client of this wallet).")
  static final class Deny extends AddressCommand {
    @Override
    int run(XmtpClient client) {
      return setConsent(root, client, addresses, ConsentState.DENIED);
    }
  }

  @Command(name = "consent", description = "Show the consent state of addresses.")
  static final class Show extends AddressCommand {
    @Override
    int run(XmtpClient client) {
      Map<String, ConsentState> states = client.consent().refresh();
      for (String a : addresses) {
        String checksummed = org.xmtpj.crypto.Ethereum.checksum(a);
        root.out().println(checksummed + "  " + states.getOrDefault(checksummed, ConsentState.UNKNOWN)
            .name().toLowerCase(java.util.Locale.ROOT));
      }
      return 0;
    }
  }

  private static int setConsent(ClientMain root, XmtpClient client, List<String> addresses, ConsentState state) {
    String[] list = addresses.toArray(String[]::new);
    if (state == ConsentState.ALLOWED) {
      client.consent().allow(list);
    } else {
      client.consent().deny(list);
    }
    for (String a : list) {
      root.out().println(org.xmtpj.crypto.Ethereum.checksum(a) + "  " + state.name().toLowerCase(java.util.Locale.ROOT));
    }
    return 0;
  }
}
