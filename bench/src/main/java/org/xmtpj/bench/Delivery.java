package org.xmtpj.bench;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.xmtp.proto.message.api.v1.Envelope;
import org.xmtp.proto.message.api.v1.MessageApiGrpc;
import org.xmtp.proto.message.api.v1.PublishRequest;
import org.xmtp.proto.message.api.v1.PublishResponse;
import org.xmtp.proto.message.api.v1.SubscribeRequest;

/**
 * Publish → stream delivery latency. Subscribers each follow a share of the topics (gRPC Subscribe, or the HTTP
 * newline-delimited JSON stream); one publisher sends one-envelope gRPC publishes at a steady rate (open loop,
 * not waiting for acks), each message starting with its send time ({@link System#nanoTime} of this JVM) and a
 * sequence number; latency is arrival on the stream minus that send time. A publish is acknowledged only once
 * durable, and the node hands envelopes to subscribers after the commit, so the figure includes the fsync.
 */
final class Delivery {
  private static final long PROBE = -1;

  private final int subscribers;
  private final int topics;
  private final Recorder delivery = new Recorder(3);
  private final Recorder ack = new Recorder(3);
  private final LongAdder deliveredInWindow = new LongAdder();
  private final AtomicLong sentInWindow = new AtomicLong();
  private final LongAdder publishErrors = new LongAdder();
  private final LongAdder streamErrors = new LongAdder();
  private final AtomicReference<String> lastError = new AtomicReference<>();
  private final AtomicInteger[] seen;
  private volatile long windowStart = Long.MAX_VALUE;
  private volatile long windowEnd = Long.MAX_VALUE;

  private Delivery(int subscribers, int topics) {
    this.subscribers = subscribers;
    this.topics = topics;
    this.seen = new AtomicInteger[subscribers];
    for (int i = 0; i < subscribers; i++) {
      seen[i] = new AtomicInteger();
    }
  }

  static void run(Options o, BenchNode node, Section s, Profiler profiler, boolean http)
      throws InterruptedException {
    int rate = o.intValue("rate", 1000);
    int subscribers = o.intValue("subscribers", 4);
    int topics = o.intValue("delivery-topics", 100);
    int size = o.intValue("size", 1024);
    int warmup = o.intValue("warmup", 5);
    int duration = o.intValue("duration", 20);
    s.parameter("subscribers", subscribers + (http
            ? " HTTP/1.1 streams (POST /message/v1/subscribe, newline-delimited JSON)"
            : " gRPC Subscribe streams (server streaming, one shared channel)")
            + ", each on " + (topics / subscribers) + " of " + topics + " topics (every topic has one subscriber)")
        .parameter("publisher", String.format("%,d publishes/s, open loop (paced by nanoTime, not waiting for "
            + "acks), gRPC unary, 1 envelope of %d bytes on a random topic", rate, size))
        .parameter("warm-up / measured", warmup + " s / " + duration + " s");
    Delivery d = new Delivery(subscribers, topics);
    List<ManagedChannel> channels = Clients.channels(node.grpcPort(), 2);
    HttpClient httpClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    List<Thread> readers = new ArrayList<>();
    try {
      for (int i = 0; i < subscribers; i++) {
        List<String> mine = new ArrayList<>();
        for (int t = i; t < topics; t += subscribers) {
          mine.add(Clients.topic(t));
        }
        if (http) {
          readers.add(d.subscribeHttp(httpClient, node.httpUrl(), i, mine));
        } else {
          d.subscribeGrpc(channels.get(0), i, mine);
        }
      }
      MessageApiGrpc.MessageApiStub publisher = Clients.asyncStub(channels.get(1), Clients.newToken());
      d.awaitSubscribed(publisher, size);
      long period = TimeUnit.SECONDS.toNanos(1) / rate;
      var stop = new java.util.concurrent.atomic.AtomicBoolean();
      Thread sender = Thread.ofPlatform().name("paced-publisher").start(() -> {
        long seq = 0;
        for (long next = System.nanoTime(); !stop.get(); next += period) {
          long now = System.nanoTime();
          if (now < next) {
            LockSupport.parkNanos(next - now);
          }
          d.publish(publisher, ThreadLocalRandom.current().nextInt(topics), size, seq++);
        }
      });
      Thread.sleep(warmup * 1000L);
      d.ack.getIntervalHistogram();
      d.delivery.getIntervalHistogram();
      d.windowStart = System.nanoTime(); // before Window.open, which scrapes metrics while publishing goes on
      Window w = Window.open(node);
      profiler.start(duration);
      Thread.sleep(duration * 1000L);
      d.windowEnd = System.nanoTime();
      w.close();
      stop.set(true);
      sender.join();
      Thread.sleep(2000); // stragglers
      Histogram lat = d.delivery.getIntervalHistogram();
      Histogram acks = d.ack.getIntervalHistogram();
      long sent = d.sentInWindow.get();
      long delivered = d.deliveredInWindow.sum();
      double seconds = (d.windowEnd - d.windowStart) / 1e9;
      s.result("publish rate achieved", String.format("%,.0f/s (%,d sent in %.1f s)", sent / seconds, sent,
          seconds));
      s.latency("delivery latency (send → on the stream)", lat);
      s.latency("publish ack latency at this rate", acks);
      s.result("delivered / sent in window", String.format("%,d / %,d (%,d missing)", delivered, sent,
          sent - delivered));
      s.result("errors (publish / stream)", d.publishErrors.sum() + " / " + d.streamErrors.sum()
          + (d.lastError.get() == null ? "" : " (last: " + d.lastError.get() + ")"));
      w.report(s);
      profiler.stopAndReport(s);
    } finally {
      Clients.shutdown(channels);
      httpClient.shutdownNow();
      readers.forEach(Thread::interrupt);
    }
  }

  private void publish(MessageApiGrpc.MessageApiStub stub, int topic, int size, long seq) {
    long sendNanos = System.nanoTime();
    boolean inWindow = seq != PROBE && sendNanos >= windowStart && sendNanos < windowEnd;
    PublishRequest request = PublishRequest.newBuilder()
        .addEnvelopes(Clients.envelope(Clients.topic(topic), Clients.stampedMessage(size, sendNanos, seq)))
        .build();
    if (inWindow) {
      sentInWindow.incrementAndGet();
    }
    stub.withDeadlineAfter(30, TimeUnit.SECONDS).publish(request, new StreamObserver<>() {
      @Override
      public void onNext(PublishResponse value) {}

      @Override
      public void onError(Throwable t) {
        publishErrors.increment();
        lastError.set("publish " + Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        if (inWindow) {
          ack.recordValue(System.nanoTime() - sendNanos);
        }
      }
    });
  }

  /** Publishes probes on each subscriber's first topic until every subscriber has received one. */
  private void awaitSubscribed(MessageApiGrpc.MessageApiStub publisher, int size) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      boolean all = true;
      for (int i = 0; i < subscribers; i++) {
        if (seen[i].get() == 0) {
          all = false;
          publish(publisher, i, size, PROBE);
        }
      }
      if (all) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("subscribers did not receive probes within 20 s; last error "
            + lastError.get());
      }
      Thread.sleep(200);
    }
  }

  private void received(int subscriber, long sendNanos, long seq) {
    long now = System.nanoTime();
    seen[subscriber].incrementAndGet();
    if (seq == PROBE) {
      return;
    }
    if (sendNanos >= windowStart && sendNanos < windowEnd) {
      delivery.recordValue(Math.max(0, now - sendNanos));
      deliveredInWindow.increment();
    }
  }

  private void subscribeGrpc(ManagedChannel channel, int index, List<String> topics) {
    MessageApiGrpc.newStub(channel).subscribe(SubscribeRequest.newBuilder().addAllContentTopics(topics).build(),
        new StreamObserver<>() {
          @Override
          public void onNext(Envelope e) {
            ByteBuffer b = e.getMessage().asReadOnlyByteBuffer();
            received(index, b.getLong(), b.getLong());
          }

          @Override
          public void onError(Throwable t) {
            if (Status.fromThrowable(t).getCode() != Status.Code.CANCELLED) {
              streamErrors.increment();
              lastError.set("subscribe " + Status.fromThrowable(t));
            }
          }

          @Override
          public void onCompleted() {}
        });
  }

  private Thread subscribeHttp(HttpClient client, String baseUrl, int index, List<String> topics) {
    StringBuilder body = new StringBuilder("{\"contentTopics\":[");
    for (int i = 0; i < topics.size(); i++) {
      body.append(i == 0 ? "\"" : ",\"").append(topics.get(i)).append('"');
    }
    body.append("]}");
    HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/message/v1/subscribe"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
        .build();
    return Thread.ofVirtual().name("http-subscriber-" + index).start(() -> {
      try {
        HttpResponse<InputStream> r = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) {
          throw new IOException("HTTP " + r.statusCode() + ": "
              + new String(r.body().readAllBytes(), StandardCharsets.UTF_8));
        }
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = in.readLine()) != null) {
            int at = line.indexOf("\"message\":\"");
            if (at < 0) {
              continue; // {"result":{}} keep-alive
            }
            int from = at + 11;
            ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(line.substring(from, from + 24)));
            received(index, b.getLong(), b.getLong());
          }
        }
      } catch (IOException e) {
        if (windowEnd == Long.MAX_VALUE) {
          streamErrors.increment();
          lastError.set("subscribe " + e);
        }
      } catch (InterruptedException e) {
        // shutting down
      }
    });
  }
}
