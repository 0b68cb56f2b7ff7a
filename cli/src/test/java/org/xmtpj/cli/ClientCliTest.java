package org.xmtpj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.PipedReader;
import java.io.PipedWriter;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtpj.cli.keystore.Passphrases;
import org.xmtpj.cli.keystore.WalletKeystore;
import org.xmtpj.node.NodeConfig;
import org.xmtpj.node.XmtpNode;
import org.xmtpj.node.ratelimit.RateLimitConfig;

/** The `xmtp` client commands as a user runs them, in-process, against a real node. */
class ClientCliTest {
  private static final WalletKeystore.ScryptParams LIGHT = new WalletKeystore.ScryptParams(1 << 12, 8, 1);
  @TempDir
  static Path dir;
  static XmtpNode node;
  static String url;

  @BeforeAll
  static void start() throws Exception {
    NodeConfig config = NodeConfig.defaults(dir.resolve("node")).withPorts("127.0.0.1", 0, 0)
        .withRateLimit(new RateLimitConfig(false, 1, 1, 1, 1, 10));
    node = new XmtpNode(config.withReplication(config.replication().withPort(0)), Clock.systemUTC()).start();
    url = "http://127.0.0.1:" + node.httpPort();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  /** One command run: exit code and what it printed. */
  record Run(int code, String out, String err) {}

  static Run xmtp(String home, BufferedReader in, String... args) {
    return xmtp(home, in, new StringWriter(), args);
  }

  static Run xmtp(String home, BufferedReader in, StringWriter out, String... args) {
    StringWriter err = new StringWriter();
    ClientMain main = new ClientMain(Passphrases.fromEnvironment(Map.of(Passphrases.ENV, "pw-" + home)), LIGHT, in,
        new PrintWriter(out, true), new PrintWriter(err, true));
    String[] all = new String[args.length + 4];
    all[0] = "--node";
    all[1] = url;
    all[2] = "--home";
    all[3] = dir.resolve(home).toString();
    System.arraycopy(args, 0, all, 4, args.length);
    int code = ClientMain.run(main, all);
    return new Run(code, out.toString(), err.toString());
  }

  static Run xmtp(String home, String... args) {
    return xmtp(home, new BufferedReader(new StringReader("")), args);
  }

  static String addressOf(String home) {
    Run who = xmtp(home, "whoami");
    assertThat(who.code()).as(who.err()).isZero();
    return who.out().lines().filter(l -> l.startsWith("address")).findFirst().orElseThrow().split("\\s+")[1];
  }

  @Test
  void shouldInitSendListAndReadMessagesBetweenTwoUsers() {
    assertThat(xmtp("alice1", "init").out()).contains("XMTP identity of 0x").contains("is ready");
    assertThat(xmtp("bob1", "init").code()).isZero();
    String alice = addressOf("alice1");
    String bob = addressOf("bob1");

    Run sent = xmtp("alice1", "send", bob.toLowerCase(), "hello", "bob");
    assertThat(sent.code()).as(sent.err()).isZero();
    assertThat(sent.out()).startsWith("sent ").contains(bob);
    assertThat(xmtp("bob1", "conversations").out()).contains(alice);
    assertThat(xmtp("bob1", "messages", alice).out()).contains(alice + ": hello bob");
    assertThat(xmtp("alice1", "messages", bob, "--limit", "1").out()).contains("me: hello bob");
    assertThat(xmtp("alice1", "consent", bob).out()).contains(bob + "  allowed");
    assertThat(xmtp("bob1", "deny", alice).code()).isZero();
    assertThat(xmtp("bob1", "consent", alice).out()).contains(alice + "  denied");
    Run can = xmtp("alice1", "can-message", bob, "0x000000000000000000000000000000000000dEaD");
    assertThat(can.code()).isEqualTo(1);
    assertThat(can.out()).contains(bob + "  yes").contains("no (not on the network)");
  }

  @Test
  void shouldShowIncomingMessagesLiveInChatAndSendTypedLines() throws Exception {
    xmtp("alice2", "init");
    xmtp("bob2", "init");
    String alice = addressOf("alice2");
    String bob = addressOf("bob2");
    xmtp("alice2", "send", bob, "before the chat");
    PipedWriter typing = new PipedWriter();
    BufferedReader keyboard = new BufferedReader(new PipedReader(typing));
    Screen screen = new Screen();
    CompletableFuture<Run> chat = CompletableFuture.supplyAsync(() -> xmtp("bob2", keyboard, screen, "chat", alice));
    screen.awaitShown("-- chatting with", Duration.ofSeconds(20));
    xmtp("alice2", "send", bob, "live one");
    screen.awaitShown(alice + ": live one", Duration.ofSeconds(20));
    // chat reads a line only after sending the one before, so once it has read /quit the reply is stored
    typing.write("a typed reply\n/quit\n");
    typing.flush();
    Run done = chat.get(20, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(done.code()).as(done.err()).isZero();
    assertThat(xmtp("alice2", "messages", bob).out()).as(done.out()).contains(bob + ": a typed reply");
    assertThat(screen.toString()).isEqualTo(done.out());
    assertThat(done.out()).contains(alice + ": before the chat").contains("-- chatting with " + alice)
        .contains(alice + ": live one");
    assertThat(done.out().indexOf("live one")).isGreaterThan(done.out().indexOf("-- chatting with"));
  }

  @Test
  void shouldGiveActionableErrors() {
    Run noWallet = xmtp("nobody", "whoami");
    assertThat(noWallet.code()).isEqualTo(1);
    assertThat(noWallet.err()).contains("run `xmtp init` first");

    xmtp("carol", "init");
    Run again = xmtp("carol", "init");
    assertThat(again.err()).contains("a wallet already exists");
    Run malformed = xmtp("carol", "send", "0x12", "hi");
    assertThat(malformed.err()).contains("malformed address");
    Run absent = xmtp("carol", "send", "0x000000000000000000000000000000000000dEaD", "hi");
    assertThat(absent.err()).contains("no XMTP identity").contains("run an XMTP client once");

    StringWriter err = new StringWriter();
    ClientMain main = new ClientMain(Passphrases.fromEnvironment(Map.of(Passphrases.ENV, "pw-carol")), LIGHT,
        new BufferedReader(new StringReader("")), new PrintWriter(new StringWriter()), new PrintWriter(err, true));
    int code = ClientMain.run(main, "--node", "http://127.0.0.1:1", "--home", dir.resolve("carol").toString(),
        "whoami");
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("cannot reach the node at http://127.0.0.1:1").contains("bin/xmtpd devnet");

    StringWriter wrongErr = new StringWriter();
    ClientMain wrong = new ClientMain(Passphrases.fromEnvironment(Map.of(Passphrases.ENV, "nope")), LIGHT,
        new BufferedReader(new StringReader("")), new PrintWriter(new StringWriter()), new PrintWriter(wrongErr, true));
    ClientMain.run(wrong, "--node", url, "--home", dir.resolve("carol").toString(), "whoami");
    assertThat(wrongErr.toString()).contains("wrong passphrase");
  }

  @Test
  void shouldImportAnExistingKeyAndKeepItsAddress() {
    Run init = xmtp("dave", "init", "--import-key",
        "0x6e0e83f3dbd15803c27916a7be367d4c9d2e46b1ef0070aaf9cc720e99e1face");
    assertThat(init.code()).as(init.err()).isZero();
    assertThat(init.out()).contains("0x1bc84Ec4ae2B1F993B97F1b1970D99A15F79E39d");
  }

  /** What a command printed, for a test to wait on: every write wakes the waiter, nothing polls. */
  static final class Screen extends StringWriter {
    @Override
    public synchronized void write(int c) {
      super.write(c);
      notifyAll();
    }

    @Override
    public synchronized void write(char[] chars, int off, int len) {
      super.write(chars, off, len);
      notifyAll();
    }

    @Override
    public synchronized void write(String str) {
      super.write(str);
      notifyAll();
    }

    @Override
    public synchronized void write(String str, int off, int len) {
      super.write(str, off, len);
      notifyAll();
    }

    synchronized void awaitShown(String text, Duration max) throws InterruptedException {
      long deadline = System.nanoTime() + max.toNanos();
      while (!toString().contains(text)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("not shown within " + max + ": " + text + "\nscreen:\n" + this);
        }
        wait(Math.max(1, left / 1_000_000));
      }
    }
  }
}
