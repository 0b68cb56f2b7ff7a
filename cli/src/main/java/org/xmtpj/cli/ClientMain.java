package org.xmtpj.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.xmtpj.cli.keystore.Passphrases;
import org.xmtpj.cli.keystore.WalletKeystore;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * Entry point of {@code xmtp}, the client CLI: a wallet in a local passphrase-encrypted keystore, and the Java SDK
 * for identity, conversations, messages and consent; plus raw node tools (health, query, stream).
 */
@Command(name = "xmtp", mixinStandardHelpOptions = true, version = "xmtp 0.1.0",
    description = "XMTP client: chat with any XMTP user (xmtp-js or Java) through an XMTP node.",
    subcommands = {IdentityCommands.Init.class, IdentityCommands.WhoAmI.class, ConversationCommands.Send.class,
        ConversationCommands.Chat.class, ConversationCommands.ListConversations.class,
        ConversationCommands.Messages.class, IdentityCommands.Allow.class, IdentityCommands.Deny.class,
        IdentityCommands.Show.class, IdentityCommands.CanMessage.class, RegistryCommands.Register.class,
        RegistryCommands.Config.class, RegistryCommands.Lookup.class, VerifyCommand.class, ClientMain.Health.class,
        ClientMain.Query.class, ClientMain.Stream.class})
public final class ClientMain {
  @Option(names = "--node", defaultValue = "${env:XMTP_NODE:-http://localhost:5555}", scope = CommandLine.ScopeType.INHERIT,
      description = "node URL: http(s)://host:port (HTTP gateway) or grpc://host:port (default ${DEFAULT-VALUE};"
          + " env XMTP_NODE)")
  String node;

  @Option(names = "--home", scope = CommandLine.ScopeType.INHERIT,
      description = "keystore directory (default $XMTP_HOME or ~/.xmtp)")
  Path home;

  @Option(names = "--chain-rpc", paramLabel = "URL", defaultValue = "${env:XMTP_CHAIN_RPC}",
      scope = CommandLine.ScopeType.INHERIT, description = "JSON-RPC URL of the chain with the IdentityRegistry"
          + " (env XMTP_CHAIN_RPC); with --deployment, identities and invite topics come from the registry")
  String chainRpc;

  @Option(names = "--deployment", paramLabel = "FILE", defaultValue = "${env:XMTP_DEPLOYMENT}",
      scope = CommandLine.ScopeType.INHERIT,
      description = "deployment file written by contracts/scripts/deploy.js (env XMTP_DEPLOYMENT)")
  Path deployment;

  private ChainAccess chain;

  Passphrases passphrases = Passphrases.system();
  WalletKeystore.ScryptParams scrypt = WalletKeystore.ScryptParams.STRONG;
  private BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
  private PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
  private PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);

  /** For embedding and tests: other passphrase source, keystore strength, input and outputs. */
  ClientMain(Passphrases passphrases, WalletKeystore.ScryptParams scrypt, BufferedReader in, PrintWriter out,
      PrintWriter err) {
    this.passphrases = passphrases;
    this.scrypt = scrypt;
    this.in = in;
    this.out = out;
    this.err = err;
  }

  ClientMain() {}

  BufferedReader in() {
    return in;
  }

  PrintWriter out() {
    return out;
  }

  /** The chain settings of this command line; connects on first use. */
  synchronized ChainAccess chain() {
    if (chain == null) {
      chain = new ChainAccess(chainRpc, deployment);
    }
    return chain;
  }

  private synchronized void closeChain() {
    if (chain != null) {
      chain.close();
      chain = null;
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public static void main(String[] args) {
    System.setProperty("logback.configurationFile", "logback-cli.xml");
    System.exit(run(new ClientMain(), args));
  }

  /** Runs one command line; failures print one actionable line on stderr and exit 1. */
  static int run(ClientMain main, String... args) {
    CommandLine cli = new CommandLine(main);
    cli.setOut(main.out);
    cli.setErr(main.err);
    try {
      return execute(cli, main, args);
    } finally {
      main.closeChain();
    }
  }

  private static int execute(CommandLine cli, ClientMain main, String... args) {
    return cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
          String msg = ex instanceof ConnectException
              ? "cannot reach the node at " + main.node + " (is it running? try bin/xmtpd devnet)"
              : UserSession.describe(ex, main.node);
          main.out.flush();
          cmd.getErr().println("xmtp: " + msg);
          cmd.getErr().flush();
          return 1;
        })
        .execute(args);
  }

  HttpResponse<String> post(String path, String json) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create(node + path)).timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    return http.send(req, HttpResponse.BodyHandlers.ofString());
  }

  @Command(name = "health", description = "Check that a node is serving.")
  static final class Health implements Callable<Integer> {
    @ParentCommand
    ClientMain root;

    @Override
    public Integer call() throws Exception {
      HttpResponse<String> r = root.http.send(HttpRequest.newBuilder(URI.create(root.node + "/healthz")).build(),
          HttpResponse.BodyHandlers.ofString());
      root.out().println(root.node + ": " + r.body());
      return r.statusCode() == 200 ? 0 : 1;
    }
  }

  @Command(name = "query", description = "Print the raw envelopes of a topic, one JSON object per line.")
  static final class Query implements Callable<Integer> {
    @ParentCommand
    ClientMain root;

    @Parameters(paramLabel = "TOPIC", description = "content topic, e.g. /xmtp/0/contact-0x…/proto")
    String topic;

    @Option(names = "--limit", defaultValue = "100", description = "page size, 1..100")
    int limit;

    @Option(names = "--asc", description = "oldest first (default newest first)")
    boolean ascending;

    @Override
    public Integer call() throws Exception {
      String dir = ascending ? "SORT_DIRECTION_ASCENDING" : "SORT_DIRECTION_DESCENDING";
      HttpResponse<String> r = root.post("/message/v1/query", "{\"contentTopics\":[" + quote(topic)
          + "],\"pagingInfo\":{\"limit\":" + limit + ",\"direction\":\"" + dir + "\"}}");
      root.out().println(r.body());
      return r.statusCode() == 200 ? 0 : 1;
    }
  }

  @Command(name = "stream", description = "Stream new envelopes of topics until interrupted.")
  static final class Stream implements Callable<Integer> {
    @ParentCommand
    ClientMain root;

    @Parameters(paramLabel = "TOPIC", arity = "1..*")
    List<String> topics;

    @Override
    public Integer call() throws Exception {
      String body = "{\"contentTopics\":[" + String.join(",", topics.stream().map(ClientMain::quote).toList())
          + "]}";
      HttpRequest req = HttpRequest.newBuilder(URI.create(root.node + "/message/v1/subscribe"))
          .POST(HttpRequest.BodyPublishers.ofString(body)).build();
      HttpResponse<java.io.InputStream> r = root.http.send(req, HttpResponse.BodyHandlers.ofInputStream());
      try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          if (!line.equals("{\"result\":{}}")) {
            root.out().println(line);
          }
        }
      }
      return r.statusCode() == 200 ? 0 : 1;
    }
  }

  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
