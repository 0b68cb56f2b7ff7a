package org.xmtpj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtpj.cli.keystore.Passphrases;
import org.xmtpj.cli.keystore.WalletKeystore;
import org.xmtpj.chain.local.LocalChain;
import org.xmtpj.node.NodeConfig;
import org.xmtpj.node.XmtpNode;
import org.xmtpj.node.ratelimit.RateLimitConfig;

/** `xmtp register`, `config` and `lookup` as a user runs them, in-process, against a real Hardhat chain and node. */
class RegistryCliIT {
  private static final WalletKeystore.ScryptParams LIGHT = new WalletKeystore.ScryptParams(1 << 12, 8, 1);
  private static final SecureRandom RANDOM = new SecureRandom();
  @TempDir
  static Path dir;
  static LocalChain chain;
  static XmtpNode node;
  static String url;

  @BeforeAll
  static void start() throws Exception {
    chain = LocalChain.start();
    NodeConfig config = NodeConfig.defaults(dir.resolve("node")).withPorts("127.0.0.1", 0, 0)
        .withRateLimit(new RateLimitConfig(false, 1, 1, 1, 1, 10));
    node = new XmtpNode(config.withReplication(config.replication().withPort(0)), Clock.systemUTC()).start();
    url = "http://127.0.0.1:" + node.httpPort();
  }

  @AfterAll
  static void stop() {
    node.close();
    chain.close();
  }

  record Run(int code, String out, String err) {}

  /** Runs {@code xmtp --node … --home DIR/home [chain options] args…}. */
  static Run xmtp(String home, List<String> chainOptions, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    ClientMain main = new ClientMain(Passphrases.fromEnvironment(Map.of(Passphrases.ENV, "pw-" + home)), LIGHT,
        new BufferedReader(new StringReader("")), new PrintWriter(out, true), new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of("--node", url, "--home", dir.resolve(home).toString()));
    all.addAll(chainOptions);
    all.addAll(List.of(args));
    int code = ClientMain.run(main, all.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  static List<String> onChain() {
    return List.of("--chain-rpc", chain.rpcUrl(), "--deployment", chain.deploymentFile().toString());
  }

  static Run xmtp(String home, String... args) {
    return xmtp(home, onChain(), args);
  }

  static String field(Run run, String name) {
    return run.out().lines().filter(l -> l.startsWith(name + " ")).findFirst()
        .orElseThrow(() -> new AssertionError("no '" + name + "' in: " + run.out() + run.err())).substring(
            name.length()).strip();
  }

  static String initWith(String home, String privateKeyHex) {
    Run init = xmtp(home, List.of(), "init", "--import-key", privateKeyHex);
    assertThat(init.code()).as(init.err()).isZero();
    return field(xmtp(home, List.of(), "whoami"), "address");
  }

  static String freshKey() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return "0x" + HexFormat.of().formatHex(key);
  }

  @Test
  void shouldRegisterChangeTheInvitePolicyAndLookUpAnIdentity() {
    String alice = initWith("alice", chain.accounts().get(1).privateKeyHex());
    String identityKey = field(xmtp("alice", List.of(), "whoami"), "identity key");
    String topic = "/xmtp/0/invite-cli-" + Long.toHexString(RANDOM.nextLong()) + "/proto";

    Run registered = xmtp("alice", "register", "--invite-topic", topic, "--retention-days", "14");
    assertThat(registered.code()).as(registered.err()).isZero();
    assertThat(registered.out()).startsWith("registered " + alice + " in the IdentityRegistry (tx 0x");

    Run found = xmtp("bob", "lookup", alice.toLowerCase());
    assertThat(found.code()).as(found.err()).isZero();
    assertThat(field(found, "identity key")).isEqualTo(identityKey);
    assertThat(field(found, "invite topic")).isEqualTo(topic);
    assertThat(field(found, "invite policy")).isEqualTo("open");
    assertThat(field(found, "retention")).isEqualTo("14 days");

    Run configured = xmtp("alice", "config", "--invite-policy", "fee:100", "--eviction", "reject-new");
    assertThat(configured.code()).as(configured.err()).isZero();
    Run after = xmtp("bob", "lookup", alice);
    assertThat(field(after, "invite policy")).startsWith("fee 100");
    assertThat(field(after, "eviction")).isEqualTo("reject-new");
    assertThat(field(after, "invite topic")).as("unchanged").isEqualTo(topic);
    assertThat(field(after, "retention")).as("unchanged").isEqualTo("14 days");

    initWith("bob", freshKey());
    Run refused = xmtp("bob", "send", alice, "hi");
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.err()).contains("accepts invitations only with a refundable fee of 100");
  }

  @Test
  void shouldSendToTheRegisteredInviteTopicAndListTheConversationThere() {
    String carol = initWith("carol", chain.accounts().get(2).privateKeyHex());
    String topic = "/xmtp/0/invite-cli-" + Long.toHexString(RANDOM.nextLong()) + "/proto";
    assertThat(xmtp("carol", "register", "--invite-topic", topic).code()).isZero();
    String dave = initWith("dave", freshKey());

    Run sent = xmtp("dave", "send", carol, "hello", "carol");
    assertThat(sent.code()).as(sent.err()).isZero();

    Run raw = xmtp("carol", List.of(), "query", topic);
    assertThat(raw.out()).contains("\"contentTopic\":\"" + topic + "\"");
    assertThat(xmtp("carol", "conversations").out()).contains(dave);
    assertThat(xmtp("carol", List.of(), "conversations").out()).as("without the registry, the conventional topic")
        .doesNotContain(dave);
    assertThat(xmtp("carol", "messages", dave).out()).contains(dave + ": hello carol");
  }

  @Test
  void shouldRegisterAWalletWithoutEthThroughARelayerAndSuggestOneOtherwise() {
    String erin = initWith("erin", freshKey());
    Run direct = xmtp("erin", "register");
    assertThat(direct.code()).isEqualTo(1);
    assertThat(direct.err()).contains("no ETH to pay for gas").contains("--relayer-key");

    Run relayed = xmtp("erin", "register", "--relayer-key", chain.accounts().get(3).privateKeyHex());
    assertThat(relayed.code()).as(relayed.err()).isZero();
    assertThat(field(xmtp("frank", "lookup", erin), "invite topic")).isEqualTo("/xmtp/0/invite-" + erin + "/proto");

    Run again = xmtp("erin", "register", "--relayer-key", chain.accounts().get(3).privateKeyHex());
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err()).contains(erin + " is already registered").contains("use `xmtp config`");
  }

  @Test
  void shouldSayWhichChainSettingIsMissingOrUnreachable() {
    initWith("gina", freshKey());
    assertThat(xmtp("gina", List.of(), "register").err())
        .contains("no chain configured: pass --chain-rpc URL and --deployment FILE")
        .contains("XMTP_CHAIN_RPC and XMTP_DEPLOYMENT");
    assertThat(xmtp("gina", List.of("--chain-rpc", chain.rpcUrl()), "lookup", "0x000000000000000000000000000000000000dEaD")
        .err()).contains("--deployment FILE (or XMTP_DEPLOYMENT) is missing");
    Run unreachable = xmtp("gina", List.of("--chain-rpc", "http://127.0.0.1:1", "--deployment",
        chain.deploymentFile().toString()), "whoami");
    assertThat(unreachable.code()).isEqualTo(1);
    assertThat(unreachable.err()).contains("cannot reach the chain at http://127.0.0.1:1");
    Run notRegistered = xmtp("gina", "lookup", "0x000000000000000000000000000000000000dEaD");
    assertThat(notRegistered.code()).isEqualTo(1);
    assertThat(notRegistered.out()).contains("0x000000000000000000000000000000000000dEaD  not registered");
    Run notYet = xmtp("gina", "config", "--retention-days", "7");
    assertThat(notYet.err()).contains("is not registered yet: run `xmtp register` first");
    assertThat(xmtp("gina", "config", "--invite-policy", "fee:-3").err()).contains("malformed --invite-policy");
  }

  @Test
  void shouldSayWhyAMessageCannotBeVerified() {
    initWith("hal", freshKey());
    assertThat(xmtp("hal", "verify", "abc").err()).contains("MESSAGE_ID must be 64 hex characters");
    assertThat(xmtp("hal", List.of(), "verify", "ab".repeat(32)).err())
        .contains("no chain configured: pass --chain-rpc URL and --deployment FILE");
    Run none = xmtp("hal", "verify", "ab".repeat(32));
    assertThat(none.code()).isEqualTo(1);
    assertThat(none.err()).contains("no checkpoint is finalized on chain yet");
  }
}
