package org.xmtpj.bench;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.xmtp.proto.message.api.v1.MessageApiGrpc;
import org.xmtp.proto.message.api.v1.PublishRequest;
import org.xmtp.proto.message.api.v1.PublishResponse;

/**
 * Closed-loop durable publish load over gRPC: {@code concurrency} publishers, each with its own identity and
 * token, each keeping exactly one unary Publish in flight (one 1 KiB envelope on a random topic), spread over a
 * few channels (HTTP/2 connections).
 */
final class PublishGrpc {
  private final MessageApiGrpc.MessageApiStub[] stubs;
  private final int size;
  private final int topics;
  private final Recorder latency = new Recorder(3);
  private final LongAdder errors = new LongAdder();
  private final Map<String, LongAdder> errorKinds = new ConcurrentHashMap<>();
  private final AtomicInteger running = new AtomicInteger();
  private final ScheduledExecutorService retry = Executors.newSingleThreadScheduledExecutor();
  private volatile boolean stopping;

  PublishGrpc(List<ManagedChannel> channels, int concurrency, int size, int topics) {
    this.size = size;
    this.topics = topics;
    this.stubs = new MessageApiGrpc.MessageApiStub[concurrency];
    for (int i = 0; i < concurrency; i++) {
      stubs[i] = Clients.asyncStub(channels.get(i % channels.size()), Clients.newToken());
    }
  }

  static void run(Options o, BenchNode node, Section s, Profiler profiler) throws InterruptedException {
    int concurrency = o.intValue("concurrency", 64);
    int channelCount = o.intValue("channels", 4);
    int size = o.intValue("size", 1024);
    int topics = o.intValue("topics", 1000);
    int warmup = o.intValue("warmup", 5);
    int duration = o.intValue("duration", 20);
    s.parameter("transport", "gRPC unary Publish, HTTP/2 plaintext on loopback")
        .parameter("publishers (in flight)", concurrency + " (closed loop: each sends its next publish on ack)")
        .parameter("channels (connections)", channelCount)
        .parameter("envelope", size + " random bytes, 1 per request, random topic of " + topics)
        .parameter("warm-up / measured", warmup + " s / " + duration + " s");
    List<ManagedChannel> channels = Clients.channels(node.grpcPort(), channelCount);
    PublishGrpc load = new PublishGrpc(channels, concurrency, size, topics);
    try {
      load.start();
      Thread.sleep(warmup * 1000L);
      load.latency.getIntervalHistogram(); // drop the warm-up
      load.errors.reset();
      load.errorKinds.clear();
      Window w = Window.open(node);
      profiler.start(duration);
      Thread.sleep(duration * 1000L);
      Histogram h = load.latency.getIntervalHistogram();
      long errors = load.errors.sum();
      w.close();
      load.stop();
      s.result("acknowledged publishes/s", String.format("%,.0f (%,d in %.1f s)",
          h.getTotalCount() / w.seconds(), h.getTotalCount(), w.seconds()));
      s.latency("publish latency (send → ack)", h);
      s.result("errors", errors + (load.errorKinds.isEmpty() ? "" : " " + load.errorKinds));
      w.report(s);
      profiler.stopAndReport(s);
    } finally {
      load.stop();
      Clients.shutdown(channels);
    }
  }

  void start() {
    for (int i = 0; i < stubs.length; i++) {
      running.incrementAndGet();
      send(i);
    }
  }

  void stop() throws InterruptedException {
    stopping = true;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (running.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    retry.shutdownNow();
  }

  private void send(int publisher) {
    if (stopping) {
      running.decrementAndGet();
      return;
    }
    PublishRequest request = PublishRequest.newBuilder()
        .addEnvelopes(Clients.envelope(Clients.randomTopic(topics), Clients.randomMessage(size)))
        .build();
    long start = System.nanoTime();
    stubs[publisher].withDeadlineAfter(60, TimeUnit.SECONDS).publish(request, new StreamObserver<>() {
      @Override
      public void onNext(PublishResponse value) {}

      @Override
      public void onError(Throwable t) {
        errors.increment();
        errorKinds.computeIfAbsent(Status.fromThrowable(t).getCode().name(), k -> new LongAdder()).increment();
        try {
          retry.schedule(() -> send(publisher), 10, TimeUnit.MILLISECONDS); // no tight loop on a failing node
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
          running.decrementAndGet();
        }
      }

      @Override
      public void onCompleted() {
        latency.recordValue(System.nanoTime() - start);
        send(publisher);
      }
    });
  }
}
