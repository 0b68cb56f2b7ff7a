package org.xmtpj.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import org.xmtpj.client.Conversation;
import org.xmtpj.client.DecodedMessage;
import org.xmtpj.client.ListOptions;
import org.xmtpj.client.SkippedEnvelope;
import org.xmtpj.client.XmtpClient;
import org.xmtpj.client.XmtpException;
import org.xmtpj.client.XmtpStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** Commands about conversations and messages. */
final class ConversationCommands {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

  private ConversationCommands() {}

  static String line(DecodedMessage m, String me) {
    String who = m.senderAddress().equals(me) ? "me" : m.senderAddress();
    String text = m.text() != null ? m.text() : "(" + m.content().type() + ", " + m.content().bytes().length + " bytes)";
    return "[" + TIME.format(m.sent()) + "] " + who + ": " + text;
  }

  @Command(name = "send", description = "Send a text message to ADDRESS (starting the conversation if needed).")
  static final class Send implements Callable<Integer> {
    @ParentCommand
    ClientMain root;

    @Parameters(index = "0", paramLabel = "ADDRESS")
    String peer;

    @Parameters(index = "1..*", paramLabel = "TEXT", arity = "1..*")
    List<String> words;

    @Override
    public Integer call() {
      try (XmtpClient client = UserSession.connect(root)) {
        DecodedMessage m = client.conversations().newConversation(peer).send(String.join(" ", words));
        root.out().println("sent " + m.id() + " to " + client.conversations().newConversation(peer).peerAddress());
      }
      return 0;
    }
  }

  @Command(name = "conversations", description = "List your conversations.")
  static final class ListConversations implements Callable<Integer> {
    @ParentCommand
    ClientMain root;

    @Override
    public Integer call() {
      try (XmtpClient client = UserSession.connect(root)) {
        List<Conversation> all = client.conversations().list();
        if (all.isEmpty()) {
          root.out().println("no conversations yet (start one with `xmtp send ADDRESS TEXT` or `xmtp chat ADDRESS`)");
        }
        for (Conversation c : all) {
          root.out().println(TIME.format(c.createdAt()) + "  " + c.peerAddress()
              + (c.conversationId() == null ? "" : "  [" + c.conversationId() + "]") + "  " + c.topic());
        }
        for (SkippedEnvelope s : client.conversations().skippedInvitations()) {
          root.out().println("(skipped an invitation: " + s.reason() + ")");
        }
      }
      return 0;
    }
  }

  @Command(name = "messages", description = "Show the latest messages exchanged with ADDRESS, oldest first.")
  static final class Messages implements Callable<Integer> {
    @ParentCommand
    ClientMain root;

    @Parameters(paramLabel = "ADDRESS")
    String peer;

    @Option(names = "--limit", defaultValue = "20", description = "how many messages (default ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--ids", description = "print each message's id (for xmtp verify)")
    boolean ids;

    @Override
    public Integer call() {
      if (limit < 1) {
        throw new UserSession.CliException("--limit must be at least 1, got " + limit);
      }
      try (XmtpClient client = UserSession.connect(root)) {
        String address = org.xmtpj.crypto.Ethereum.checksum(peer);
        List<DecodedMessage> all = new ArrayList<>();
        int skipped = 0;
        for (Conversation c : client.conversations().list()) {
          if (c.peerAddress().equals(address)) {
            var page = c.messages(ListOptions.latest(limit));
            all.addAll(page.messages());
            skipped += page.skipped().size();
          }
        }
        all.sort(Comparator.comparingLong(DecodedMessage::sentNs));
        List<DecodedMessage> last = all.subList(Math.max(0, all.size() - limit), all.size());
        last.forEach(m -> root.out().println((ids ? m.id() + "  " : "") + line(m, client.address())));
        if (all.isEmpty()) {
          root.out().println("no messages with " + address);
        }
        if (skipped > 0) {
          root.out().println("(" + skipped + " message(s) skipped: they failed to decrypt or verify)");
        }
      }
      return 0;
    }
  }

  @Command(name = "chat", description = {"Chat with ADDRESS: incoming messages appear as they arrive;",
      "each line you type is sent. /quit or end of input leaves."})
  static final class Chat implements Callable<Integer> {
    @ParentCommand
    ClientMain root;

    @Parameters(paramLabel = "ADDRESS")
    String peer;

    @Option(names = "--history", defaultValue = "10", description = "messages of history to show (default ${DEFAULT-VALUE})")
    int history;

    @Override
    public Integer call() throws IOException, InterruptedException {
      PrintWriter out = root.out();
      try (XmtpClient client = UserSession.connect(root)) {
        Conversation c = client.conversations().newConversation(peer);
        if (history > 0) {
          c.messages(ListOptions.latest(history)).messages().reversed().forEach(m -> out.println(line(m, client.address())));
        }
        try (XmtpStream<DecodedMessage> incoming = c.streamMessages()) {
          // announced only once the stream is registered, so anything sent after this line shows up
          out.println("-- chatting with " + c.peerAddress() + " (type a message and press Enter; /quit to leave) --");
          out.flush();
          Thread printer = Thread.ofVirtual().name("chat-printer").start(() -> print(incoming, out, client.address()));
          readAndSend(c, out);
          incoming.close();
          printer.join(Duration.ofSeconds(2));
        }
      }
      return 0;
    }

    private void readAndSend(Conversation c, PrintWriter out) throws IOException {
      BufferedReader in = root.in();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.strip().equals("/quit")) {
          break;
        }
        if (!line.isBlank()) {
          try {
            c.send(line);
          } catch (XmtpException e) {
            out.println("!! not sent: " + UserSession.describe(e, root.node));
            out.flush();
          }
        }
      }
    }

    private static void print(XmtpStream<DecodedMessage> incoming, PrintWriter out, String me) {
      try {
        while (incoming.isOpen()) {
          DecodedMessage m = incoming.take();
          if (!m.senderAddress().equals(me)) {
            out.println(line(m, me));
            out.flush();
          }
        }
      } catch (XmtpException | InterruptedException e) {
        // closed: the chat is over
      }
    }
  }
}
