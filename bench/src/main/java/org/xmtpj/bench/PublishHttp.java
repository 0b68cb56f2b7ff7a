package org.xmtpj.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Closed-loop durable publish load over the HTTP/1.1 JSON gateway: {@code concurrency} virtual threads, each with
 * its own identity and token, each doing blocking POST /message/v1/publish with one 1 KiB envelope.
 */
final class PublishHttp {
  static void run(Options o, BenchNode node, Section s, Profiler profiler) throws InterruptedException {
    int concurrency = o.intValue("concurrency", 64);
    int size = o.intValue("size", 1024);
    int topics = o.intValue("topics", 1000);
    int warmup = o.intValue("warmup", 5);
    int duration = o.intValue("duration", 20);
    s.parameter("transport", "HTTP/1.1 JSON, POST /message/v1/publish, java.net.http.HttpClient (keep-alive)")
        .parameter("publishers (in flight)", concurrency + " virtual threads (closed loop)")
        .parameter("envelope", size + " random bytes (base64 in JSON), 1 per request, random topic of " + topics)
        .parameter("warm-up / measured", warmup + " s / " + duration + " s");
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    URI uri = URI.create(node.httpUrl() + "/message/v1/publish");
    Recorder latency = new Recorder(3);
    LongAdder errors = new LongAdder();
    Map<String, LongAdder> errorKinds = new ConcurrentHashMap<>();
    List<Thread> threads = new ArrayList<>();
    var stopping = new java.util.concurrent.atomic.AtomicBoolean();
    for (int i = 0; i < concurrency; i++) {
      String token = Clients.newToken();
      threads.add(Thread.ofVirtual().name("http-publisher-" + i).start(() -> {
        while (!stopping.get()) {
          HttpRequest request = HttpRequest.newBuilder(uri)
              .timeout(Duration.ofSeconds(60))
              .header("Content-Type", "application/json")
              .header("Authorization", token)
              .POST(HttpRequest.BodyPublishers.ofString(
                  Clients.publishJson(Clients.randomTopic(topics), Clients.randomMessage(size))))
              .build();
          long start = System.nanoTime();
          String kind;
          try {
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
              latency.recordValue(System.nanoTime() - start);
              continue;
            }
            kind = "HTTP " + r.statusCode();
          } catch (IOException e) {
            kind = e.getClass().getSimpleName();
          } catch (InterruptedException e) {
            return;
          }
          errors.increment();
          errorKinds.computeIfAbsent(kind, k -> new LongAdder()).increment();
          try {
            Thread.sleep(10);
          } catch (InterruptedException e) {
            return;
          }
        }
      }));
    }
    try {
      Thread.sleep(warmup * 1000L);
      latency.getIntervalHistogram();
      errors.reset();
      errorKinds.clear();
      Window w = Window.open(node);
      profiler.start(duration);
      Thread.sleep(duration * 1000L);
      Histogram h = latency.getIntervalHistogram();
      long errorCount = errors.sum();
      w.close();
      stopping.set(true);
      s.result("acknowledged publishes/s", String.format("%,.0f (%,d in %.1f s)",
          h.getTotalCount() / w.seconds(), h.getTotalCount(), w.seconds()));
      s.latency("publish latency (send → 200 {})", h);
      s.result("errors", errorCount + (errorKinds.isEmpty() ? "" : " " + errorKinds));
      w.report(s);
      profiler.stopAndReport(s);
    } finally {
      stopping.set(true);
      for (Thread t : threads) {
        t.join(30_000);
      }
      client.shutdownNow();
    }
  }
}
