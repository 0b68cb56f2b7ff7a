package org.xmtpj.testing.cluster;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/** Reads an HTTP subscribe stream line by line, as xmtp-js does, on a background thread. */
final class StreamReader implements AutoCloseable {
  /** A stream line and when it arrived (System.nanoTime). */
  record Line(String text, long arrivedNanos) {}

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final BlockingQueue<Line> lines = new ArrayBlockingQueue<>(100_000);
  private final HttpResponse<InputStream> response;
  private final Thread reader;

  private StreamReader(HttpResponse<InputStream> response) {
    this.response = response;
    this.reader = Thread.ofVirtual().start(this::read);
  }

  /** Subscribes on the node at {@code baseUrl} ({@code /message/v1/subscribe}); fails unless it answers 200. */
  static StreamReader open(String baseUrl, List<String> topics) throws Exception {
    String body = "{\"contentTopics\":[" + String.join(",", topics.stream().map(t -> "\"" + t + "\"").toList())
        + "]}";
    HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/message/v1/subscribe"))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("subscribe answered " + r.statusCode() + ": "
          + new String(r.body().readAllBytes(), StandardCharsets.UTF_8));
    }
    return new StreamReader(r);
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        lines.put(new Line(line, System.nanoTime()));
      }
    } catch (Exception ignored) {
      // closed by the test
    }
  }

  /** The next raw line (keep-alives included) with its arrival time, or null after the timeout. */
  Line nextTimed(long timeout, TimeUnit unit) throws InterruptedException {
    return lines.poll(timeout, unit);
  }

  @Override
  public void close() throws Exception {
    response.body().close();
    reader.interrupt();
  }
}
