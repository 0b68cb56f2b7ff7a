package org.xmtpj.cli;

import java.io.PrintWriter;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.xmtpj.chain.Signer;
import org.xmtpj.chain.TxReceipt;
import org.xmtpj.chain.identity.EvictionPolicy;
import org.xmtpj.chain.identity.IdentityConfig;
import org.xmtpj.chain.identity.IdentityEntry;
import org.xmtpj.client.XmtpClient;
import org.xmtpj.crypto.Ethereum;
import org.xmtpj.onchain.IdentityRegistration;
import org.xmtpj.onchain.InviteSettings;
import org.xmtpj.onchain.RegistryException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** Commands on the on-chain IdentityRegistry: register this wallet's identity, change its entry, look one up. */
final class RegistryCommands {
  private static final String RELAYER_HELP = "a funded account that submits the wallet's signed request and pays"
      + " the gas, for a wallet without ETH (env XMTP_RELAYER_KEY; prefer the environment: arguments are visible"
      + " to other local users)";

  private RegistryCommands() {}

  @Command(name = "register", description = {
      "Publish this wallet's XMTP identity key and invite topic in the on-chain IdentityRegistry.",
      "Needs --chain-rpc and --deployment. The wallet pays the gas unless a relayer key is given."})
  static final class Register implements Callable<Integer> {
    @ParentCommand
    ClientMain root;

    @Option(names = "--invite-topic", paramLabel = "TOPIC",
        description = "where invitations to you go (default: the conventional /xmtp/0/invite-<address>/proto)")
    String inviteTopic;

    @Option(names = "--retention-days", paramLabel = "N", defaultValue = "30",
        description = "how long nodes keep your invite topic's messages, 1..365 (default ${DEFAULT-VALUE})")
    int retentionDays;

    @Option(names = "--relayer-key", paramLabel = "HEX", defaultValue = "${env:XMTP_RELAYER_KEY}",
        description = RELAYER_HELP)
    String relayerKey;

    @Override
    public Integer call() {
      root.chain().session();
      byte[] key = UserSession.walletKey(UserSession.keystore(root.home), root.passphrases);
      try (XmtpClient client = UserSession.connect(root, key)) {
        IdentityRegistration registration = registration(root, key, relayerKey);
        InviteSettings settings = InviteSettings.defaults().withInviteTopic(inviteTopic)
            .withRetentionDays(retentionDays);
        TxReceipt receipt = registration.register(client, settings);
        report(root, "registered", registration, receipt);
      } finally {
        Arrays.fill(key, (byte) 0);
      }
      return 0;
    }
  }

  @Command(name = "config", description = {
      "Change this wallet's entry in the IdentityRegistry: the invite policy and the topic's settings.",
      "Options not given keep their registered value."})
  static final class Config implements Callable<Integer> {
    @ParentCommand
    ClientMain root;

    @Option(names = "--invite-policy", paramLabel = "open|fee:AMOUNT|credential:HEX",
        description = "who may invite you: anyone; senders who escrow a refundable fee of AMOUNT token base units;"
            + " senders with a credential of the issuer key HEX")
    String invitePolicy;

    @Option(names = "--retention-days", paramLabel = "N", description = "1..365")
    Integer retentionDays;

    @Option(names = "--eviction", paramLabel = "drop-oldest|reject-new",
        description = "what nodes do when your invite topic is over quota")
    String eviction;

    @Option(names = "--invite-topic", paramLabel = "TOPIC", description = "move your invite topic")
    String inviteTopic;

    @Option(names = "--relayer-key", paramLabel = "HEX", defaultValue = "${env:XMTP_RELAYER_KEY}",
        description = RELAYER_HELP)
    String relayerKey;

    @Override
    public Integer call() {
      if (invitePolicy == null && retentionDays == null && eviction == null && inviteTopic == null) {
        throw new UserSession.CliException("nothing to change: pass --invite-policy, --retention-days, --eviction"
            + " or --invite-topic");
      }
      EvictionPolicy evictionPolicy = eviction == null ? null : parseEviction(eviction);
      InviteSettings policy = invitePolicy == null ? null : parsePolicy(invitePolicy, InviteSettings.defaults());
      root.chain().session();
      byte[] key = UserSession.walletKey(UserSession.keystore(root.home), root.passphrases);
      try {
        IdentityRegistration registration = registration(root, key, relayerKey);
        IdentityConfig current = root.chain().directory().entry(registration.wallet())
            .orElseThrow(() -> new UserSession.CliException(registration.wallet()
                + " is not registered yet: run `xmtp register` first")).config();
        InviteSettings settings = InviteSettings.of(current);
        if (policy != null) {
          settings = new InviteSettings(settings.inviteTopic(), policy.policy(), policy.fee(),
              policy.credentialIssuerKey(), settings.retentionDays(), settings.eviction());
        }
        settings = inviteTopic == null ? settings : settings.withInviteTopic(inviteTopic);
        settings = retentionDays == null ? settings : settings.withRetentionDays(retentionDays);
        settings = evictionPolicy == null ? settings : settings.withEviction(evictionPolicy);
        TxReceipt receipt = registration.update(current.identityKey(), settings);
        report(root, "updated", registration, receipt);
      } finally {
        Arrays.fill(key, (byte) 0);
      }
      return 0;
    }
  }

  @Command(name = "lookup", description = "Show the IdentityRegistry entry of an address (exit 1 if it has none).")
  static final class Lookup implements Callable<Integer> {
    @ParentCommand
    ClientMain root;

    @Parameters(paramLabel = "ADDRESS")
    String address;

    @Override
    public Integer call() {
      String wallet = checksum(address);
      var entry = root.chain().directory().entry(wallet);
      if (entry.isEmpty()) {
        root.out().println(wallet + "  not registered");
        return 1;
      }
      print(root.out(), entry.get());
      return 0;
    }
  }

  /** The registry error in words, plus what to do about it on this command line. */
  static String describe(RegistryException e) {
    String hint = switch (e.reason()) {
      case INSUFFICIENT_FUNDS -> "; pass --relayer-key HEX (or set XMTP_RELAYER_KEY) to have a funded account"
          + " submit your signed request";
      case UNREACHABLE -> "; check --chain-rpc (or XMTP_CHAIN_RPC)";
      case REJECTED -> switch (e.contractError().orElse("")) {
        case "AlreadyRegistered" -> "; use `xmtp config` to change the entry";
        case "NotRegistered" -> "; run `xmtp register` first";
        default -> "";
      };
      case FAILED -> "";
    };
    return e.getMessage() + hint;
  }

  static InviteSettings parsePolicy(String text, InviteSettings base) {
    String lower = text.toLowerCase(Locale.ROOT);
    try {
      if (lower.equals("open")) {
        return base.open();
      }
      if (lower.startsWith("fee:")) {
        BigInteger amount = new BigInteger(text.substring(4).strip());
        if (amount.signum() <= 0) {
          throw new NumberFormatException("not positive");
        }
        return base.withFee(amount);
      }
      if (lower.startsWith("credential:")) {
        String hex = text.substring("credential:".length()).strip();
        byte[] issuer = HexFormat.of().parseHex(hex.startsWith("0x") || hex.startsWith("0X") ? hex.substring(2) : hex);
        if (issuer.length == 0) {
          throw new IllegalArgumentException("empty");
        }
        return base.withCredentialIssuer(issuer);
      }
    } catch (IllegalArgumentException e) {
      throw new UserSession.CliException("malformed --invite-policy " + text + ": fee:AMOUNT needs a positive whole"
          + " number of token base units, credential:HEX the issuer key in hex");
    }
    throw new UserSession.CliException("--invite-policy must be open, fee:AMOUNT or credential:HEX, not " + text);
  }

  private static EvictionPolicy parseEviction(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "drop-oldest" -> EvictionPolicy.DROP_OLDEST;
      case "reject-new" -> EvictionPolicy.REJECT_NEW;
      default -> throw new UserSession.CliException("--eviction must be drop-oldest or reject-new, not " + text);
    };
  }

  private static IdentityRegistration registration(ClientMain root, byte[] walletKey, String relayerKey) {
    Signer wallet = Signer.fromPrivateKey(walletKey);
    if (relayerKey == null || relayerKey.isBlank()) {
      return IdentityRegistration.direct(root.chain().session(), wallet);
    }
    Signer relayer;
    try {
      relayer = Signer.fromPrivateKey(relayerKey.strip());
    } catch (IllegalArgumentException e) {
      throw new UserSession.CliException("malformed relayer key (--relayer-key / XMTP_RELAYER_KEY): want 32 bytes"
          + " of hex, with or without 0x");
    }
    return IdentityRegistration.relayed(root.chain().session(), wallet, relayer);
  }

  private static void report(ClientMain root, String what, IdentityRegistration registration, TxReceipt receipt) {
    PrintWriter out = root.out();
    out.println(what + " " + registration.wallet() + " in the IdentityRegistry (tx " + receipt.hash() + ", block "
        + receipt.blockNumber() + ")");
    root.chain().directory().entry(registration.wallet()).ifPresent(e -> print(out, e));
  }

  static void print(PrintWriter out, IdentityEntry entry) {
    IdentityConfig c = entry.config();
    out.println("wallet         " + entry.wallet());
    out.println("identity key   " + HexFormat.of().formatHex(c.identityKey()));
    out.println("invite topic   " + c.inviteTopic());
    out.println("invite policy  " + switch (c.publishPolicy()) {
      case OPEN -> "open";
      case FEE -> "fee " + c.fee() + " (token base units, refundable)";
      case CREDENTIAL -> "credential (issuer key " + HexFormat.of().formatHex(c.credentialIssuerKey()) + ")";
    });
    out.println("retention      " + c.retentionDays() + " days");
    out.println("eviction       " + c.evictionPolicy().name().toLowerCase(Locale.ROOT).replace('_', '-'));
  }

  private static String checksum(String address) {
    try {
      return Ethereum.checksum(address);
    } catch (IllegalArgumentException e) {
      throw new UserSession.CliException("malformed address: " + e.getMessage());
    }
  }
}
