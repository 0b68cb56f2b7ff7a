package org.xmtpj.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many strangers asking for large answers at once (issue 13, build item 1: the node's heap stays bounded under
 * every probe): each answer is within the per-request budget (4 MiB), but nothing bounded their sum, so 200
 * concurrent page queries over 1 MB envelopes made a node with a 384 MiB heap build gigabytes of answers at once.
 * With the in-flight budget every request either gets its whole page or a 429 {@code node_busy}, and the node stays
 * up and keeps serving.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class InFlightBudgetIT {
  private static final String TOPIC = "/xmtp/0/m-inflight-large/proto";
  private static final int ENVELOPES = 10;
  private static final int MESSAGE_BYTES = 1_000_000;
  private static final int CONCURRENT_QUERIES = 200;
  private static final String HEAP = "-Xmx384m";

  @TempDir
  Path tmp;

  private record Outcome(int status, long bytes, String head) {}

  @Test
  void shouldAnswerEveryConcurrentLargeQueryWholeOrBusyWithoutRunningOutOfHeap() throws Exception {
    try (NodeProcess node = NodeProcess.start(tmp.resolve("node"), List.of(HEAP, "-XX:+ExitOnOutOfMemoryError"),
        List.of("--no-rate-limit"))) {
      storeLargeEnvelopes(node);
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5)).build();
      List<CompletableFuture<Outcome>> calls = new ArrayList<>();
      for (int i = 0; i < CONCURRENT_QUERIES; i++) {
        calls.add(http.sendAsync(fullPageQuery(node), HttpResponse.BodyHandlers.ofInputStream())
            .thenApply(InFlightBudgetIT::outcome));
      }
      List<Outcome> outcomes = new ArrayList<>();
      for (CompletableFuture<Outcome> c : calls) {
        outcomes.add(c.exceptionally(t -> new Outcome(-1, 0, t.toString())).get(3, TimeUnit.MINUTES));
      }
      String log = Files.readString(node.logFile(), StandardCharsets.UTF_8);
      assertThat(log).as("node log").doesNotContain("java.lang.OutOfMemoryError");
      assertThat(node.isAlive()).as("node alive after %d concurrent large queries", CONCURRENT_QUERIES).isTrue();
      long whole = outcomes.stream().filter(o -> o.status() == 200).count();
      assertThat(outcomes).as("every answer is a whole page or node_busy")
          .allSatisfy(o -> assertThat(o.status() == 200 ? o.bytes() > 4L * MESSAGE_BYTES
              : o.status() == 429 && o.head().contains("node is busy")).as("%s", o).isTrue());
      assertThat(whole).as("whole pages served").isPositive();
      // and it still serves: a page of the same topic, read after the burst
      Outcome after = outcome(http.send(fullPageQuery(node), HttpResponse.BodyHandlers.ofInputStream()));
      assertThat(after.status()).as("%s", after).isEqualTo(200);
      System.out.printf("in-flight budget: %d concurrent 4 MiB queries: %d whole, %d busy%n", CONCURRENT_QUERIES,
          whole, outcomes.size() - whole);
    }
  }

  private static void storeLargeEnvelopes(NodeProcess node) throws Exception {
    TestClients client = TestClients.newIdentity();
    Random random = new Random(13);
    for (int i = 0; i < ENVELOPES; i++) {
      byte[] message = new byte[MESSAGE_BYTES];
      random.nextBytes(message);
      TestClients.HttpResult r = client.publish(node.httpUrl(), List.of(TestClients.envelope(TOPIC, message)));
      assertThat(r.acked()).as("publish %d: %s", i, r).isTrue();
    }
  }

  private static HttpRequest fullPageQuery(NodeProcess node) {
    String body = "{\"contentTopics\":[\"" + TOPIC + "\"],\"pagingInfo\":{\"limit\":100,"
        + "\"direction\":\"SORT_DIRECTION_ASCENDING\"}}";
    return HttpRequest.newBuilder(URI.create(node.httpUrl() + "/message/v1/query"))
        .timeout(Duration.ofMinutes(2))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  /** Reads the answer without keeping it: its size, and its first bytes (the error of a refusal). */
  private static Outcome outcome(HttpResponse<InputStream> r) {
    try (InputStream in = r.body()) {
      byte[] head = in.readNBytes(400);
      long rest = in.transferTo(OutputStream.nullOutputStream());
      return new Outcome(r.statusCode(), head.length + rest, new String(head, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Outcome(-2, 0, e.toString());
    }
  }
}
