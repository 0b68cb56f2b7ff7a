package org.xmtpj.bench;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.xmtp.proto.message.api.v1.MessageApiGrpc;
import org.xmtp.proto.message.api.v1.PagingInfo;
import org.xmtp.proto.message.api.v1.PublishRequest;
import org.xmtp.proto.message.api.v1.PublishResponse;
import org.xmtp.proto.message.api.v1.QueryRequest;
import org.xmtp.proto.message.api.v1.QueryResponse;
import org.xmtp.proto.message.api.v1.SortDirection;

/**
 * Pre-loads many envelopes as fast as the node takes them (gRPC, 100 envelopes per Publish, several in flight),
 * then measures single-client page queries: a first page of one random topic in a random direction, followed by
 * the next page using the returned cursor.
 */
final class QueryBench {
  static void run(Options o, BenchNode node, Section s, Profiler profiler) throws InterruptedException {
    boolean noPreload = o.flag("no-preload");
    int preload = o.intValue("preload", 1_000_000);
    int size = o.intValue("size", 1024);
    int topics = o.intValue("topics", 1000);
    int batch = o.intValue("batch", 100);
    int inFlight = o.intValue("preload-in-flight", 8);
    int channelCount = o.intValue("channels", 2);
    int queries = o.intValue("queries", 5000);
    int warmupQueries = o.intValue("warmup-queries", 1000);
    int warmupSeconds = o.intValue("warmup", 15);
    int pageSize = o.intValue("page", 100);
    s.parameter("pre-load", noPreload ? "none (--no-preload)" : String.format("%,d envelopes of %d random bytes over %,d topics (random topic per "
            + "envelope), gRPC Publish with %d envelopes per request, %d requests in flight, %d channels",
            preload, size, topics, batch, inFlight, channelCount))
        .parameter("queries", String.format("%,d measured (after a warm-up of at least %,d queries and %d s), single client, blocking gRPC Query, "
            + "page of %d: first page of a random topic in a random direction, then the next page by its cursor",
            queries, warmupQueries, warmupSeconds, pageSize));
    List<ManagedChannel> channels = Clients.channels(node.grpcPort(), channelCount);
    try {
      if (noPreload) {
        s.result("pre-load", "skipped (--no-preload): querying the existing " + node.dataDir() + String.format(
            " (%,.0f MiB)", node.diskBytes() / 1048576.0));
      } else {
        preload(node, s, channels, preload, size, topics, batch, inFlight);
        Thread.sleep(2000);
      }
      MessageApiGrpc.MessageApiBlockingStub stub = MessageApiGrpc.newBlockingStub(channels.get(0));
      Histogram first = new Histogram(3);
      Histogram next = new Histogram(3);
      long[] rows = new long[2];
      long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
      int warmed = 0;
      while (warmed < warmupQueries || System.nanoTime() < warmupEnd) { // both JVMs are fresh: let C2 finish
        query(stub, 100, topics, pageSize, new Histogram(3), new Histogram(3), new long[2]);
        warmed += 100;
      }
      Window w = Window.open(node);
      profiler.start(60);
      query(stub, queries, topics, pageSize, first, next, rows);
      w.close();
      Histogram all = first.copy();
      all.add(next);
      s.result("queries/s (one client, sequential)", String.format("%,.0f", all.getTotalCount() / w.seconds()));
      s.latency("query latency, all pages", all);
      s.latency("query latency, first page", first);
      s.latency("query latency, next page by cursor", next);
      s.result("mean rows per page (first / next)", String.format("%.1f / %.1f",
          rows[0] / (double) Math.max(1, first.getTotalCount()), rows[1] / (double) Math.max(1, next.getTotalCount())));
      w.report(s);
      profiler.stopAndReport(s);
    } finally {
      Clients.shutdown(channels);
    }
  }

  private static void preload(BenchNode node, Section s, List<ManagedChannel> channels, int total, int size,
      int topics, int batch, int inFlight) throws InterruptedException {
    MessageApiGrpc.MessageApiStub[] stubs = new MessageApiGrpc.MessageApiStub[channels.size()];
    for (int i = 0; i < stubs.length; i++) {
      stubs[i] = Clients.asyncStub(channels.get(i), Clients.newToken());
    }
    Semaphore slots = new Semaphore(inFlight);
    AtomicLong acked = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicReference<String> lastError = new AtomicReference<>();
    Window w = Window.open(node);
    long lastReport = System.nanoTime();
    long lastAcked = 0;
    int sent = 0;
    int requestNo = 0;
    while (sent < total) {
      int n = Math.min(batch, total - sent);
      PublishRequest.Builder request = PublishRequest.newBuilder();
      for (int i = 0; i < n; i++) {
        request.addEnvelopes(Clients.envelope(Clients.randomTopic(topics), Clients.randomMessage(size)));
      }
      slots.acquire();
      stubs[requestNo++ % stubs.length].withDeadlineAfter(120, TimeUnit.SECONDS).publish(request.build(),
          new StreamObserver<>() {
            @Override
            public void onNext(PublishResponse value) {}

            @Override
            public void onError(Throwable t) {
              errors.addAndGet(n);
              lastError.set(Status.fromThrowable(t).toString());
              slots.release();
            }

            @Override
            public void onCompleted() {
              acked.addAndGet(n);
              slots.release();
            }
          });
      sent += n;
      long now = System.nanoTime();
      if (now - lastReport > TimeUnit.SECONDS.toNanos(10)) {
        long a = acked.get();
        System.out.printf("  pre-load: %,d acked, %,.0f/s over the last %.0f s, load %s%n", a,
            (a - lastAcked) / ((now - lastReport) / 1e9), (now - lastReport) / 1e9, Window.loadAverage());
        lastReport = now;
        lastAcked = a;
      }
    }
    slots.acquire(inFlight);
    w.close();
    s.result("pre-load rate (acknowledged, durable)", String.format("%,.0f envelopes/s (%,d in %.1f s, %,.1f MiB/s "
        + "of message bytes)", acked.get() / w.seconds(), acked.get(), w.seconds(),
        acked.get() * (double) size / w.seconds() / (1 << 20)));
    s.result("pre-load errors", errors.get() + (lastError.get() == null ? "" : " (last: " + lastError.get() + ")"));
    w.report(s);
    s.result("node data directory after pre-load", String.format("%,.0f MiB", node.diskBytes() / 1048576.0));
  }

  private static void query(MessageApiGrpc.MessageApiBlockingStub stub, int count, int topics, int pageSize,
      Histogram first, Histogram next, long[] rows) {
    int done = 0;
    while (done < count) {
      String topic = Clients.topic(ThreadLocalRandom.current().nextInt(topics));
      SortDirection direction = ThreadLocalRandom.current().nextBoolean()
          ? SortDirection.SORT_DIRECTION_ASCENDING : SortDirection.SORT_DIRECTION_DESCENDING;
      QueryRequest.Builder q = QueryRequest.newBuilder().addContentTopics(topic)
          .setPagingInfo(PagingInfo.newBuilder().setLimit(pageSize).setDirection(direction));
      long t0 = System.nanoTime();
      QueryResponse r = stub.withDeadlineAfter(30, TimeUnit.SECONDS).query(q.build());
      first.recordValue(System.nanoTime() - t0);
      rows[0] += r.getEnvelopesCount();
      done++;
      if (done < count && r.getPagingInfo().hasCursor()) {
        q.getPagingInfoBuilder().setCursor(r.getPagingInfo().getCursor());
        t0 = System.nanoTime();
        QueryResponse r2 = stub.withDeadlineAfter(30, TimeUnit.SECONDS).query(q.build());
        next.recordValue(System.nanoTime() - t0);
        rows[1] += r2.getEnvelopesCount();
        done++;
      }
    }
  }
}
