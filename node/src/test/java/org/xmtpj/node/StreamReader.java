package org.xmtpj.node;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpHeaders;
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

  private final BlockingQueue<Line> lines = new ArrayBlockingQueue<>(100_000);
  private final HttpResponse<InputStream> response;
  private final Thread reader;

  private StreamReader(HttpResponse<InputStream> response) {
    this.response = response;
    this.reader = Thread.ofVirtual().start(this::read);
  }

  static StreamReader open(NodeFixture f, List<String> topics) throws Exception {
    String body = "{\"contentTopics\":[" + String.join(",", topics.stream().map(t -> "\"" + t + "\"").toList())
        + "]}";
    HttpResponse<InputStream> r = f.http.send(HttpRequest.newBuilder(URI.create(f.url("/message/v1/subscribe")))
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

  HttpHeaders headers() {
    return response.headers();
  }

  /** The next line that is not a keep-alive, or fails after 10 s. */
  String next() throws InterruptedException {
    while (true) {
      Line line = lines.poll(10, TimeUnit.SECONDS);
      if (line == null) {
        throw new AssertionError("no stream line within 10 s");
      }
      if (!line.text().equals("{\"result\":{}}")) {
        return line.text();
      }
    }
  }

  /** The next raw line including keep-alives. */
  String nextRaw(long timeout, TimeUnit unit) throws InterruptedException {
    Line line = lines.poll(timeout, unit);
    return line == null ? null : line.text();
  }

  @Override
  public void close() throws Exception {
    response.body().close();
    reader.interrupt();
  }
}
