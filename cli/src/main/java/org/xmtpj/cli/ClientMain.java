package org.xmtpj.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
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
 * Entry point of {@code xmtp}, the client CLI. This first version talks to a node's HTTP API directly (health,
 * raw topic queries and streams); identity, conversations and encryption arrive with the Java SDK.
 */
@Command(name = "xmtp", mixinStandardHelpOptions = true, version = "xmtp 0.1.0",
    description = "XMTP client tools.",
    subcommands = {ClientMain.Health.class, ClientMain.Query.class, ClientMain.Stream.class})
public final class ClientMain {
  @Option(names = "--node", defaultValue = "http://localhost:5555", description = "node URL (default ${DEFAULT-VALUE})")
  String node;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public static void main(String[] args) {
    System.setProperty("logback.configurationFile", "logback-text.xml");
    int code = new CommandLine(new ClientMain())
        .setExecutionExceptionHandler((ex, cmd, parsed) -> {
          String msg = ex instanceof ConnectException
              ? "cannot reach the node at " + ((ClientMain) cmd.getCommandSpec().root().userObject()).node
                  + " (is it running? try bin/xmtpd start)"
              : ex.getMessage();
          cmd.getErr().println("xmtp: " + msg);
          return 1;
        })
        .execute(args);
    System.exit(code);
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
      System.out.println(root.node + ": " + r.body());
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
      System.out.println(r.body());
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
            System.out.println(line);
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
