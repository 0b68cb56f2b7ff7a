package org.xmtpj.bench;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
import org.xmtpj.testing.cluster.LocalCluster;
import org.xmtpj.testing.cluster.ReplicationStatus;

/**
 * Cross-node propagation: three nodes in a full mesh; one publisher sends one-envelope gRPC publishes to node 1 at
 * a steady rate (open loop), each message starting with its send time ({@link System#nanoTime} of this JVM, the
 * same machine clock as the receivers) and a sequence number; one gRPC Subscribe stream per node covers every
 * topic. Latency is arrival on a node's stream minus the send time, so on nodes 2 and 3 it includes node 1's
 * durable commit, the push, the receiver's validation and its own durable commit. Node 1's own stream is measured
 * as the local reference. Every sequence number of the window must arrive exactly once on every node.
 */
final class Propagation {
  private static final long PROBE = -1;
  private static final int NODES = 3;

  private final Receiver[] receivers = new Receiver[NODES];
  private final Recorder ack = new Recorder(3);
  private final AtomicLong sentInWindow = new AtomicLong();
  private final LongAdder publishErrors = new LongAdder();
  private final BitSet acked = new BitSet(); // guarded by itself
  private final AtomicReference<String> lastError = new AtomicReference<>();
  private volatile long windowStart = Long.MAX_VALUE;
  private volatile long windowEnd = Long.MAX_VALUE;
  private volatile long firstSeq = Long.MAX_VALUE;
  private volatile long endSeq = Long.MAX_VALUE;

  /** What one node's stream delivered. */
  private final class Receiver {
    final Recorder latency = new Recorder(3);
    final BitSet seen = new BitSet();
    final LongAdder duplicates = new LongAdder();
    final LongAdder probes = new LongAdder();
    final LongAdder streamErrors = new LongAdder();
    long delivered; // unique, in window; guarded by seen

    void received(long sendNanos, long seq) {
      long now = System.nanoTime();
      if (seq == PROBE) {
        probes.increment();
        return;
      }
      boolean inWindow = sendNanos >= windowStart && sendNanos < windowEnd;
      synchronized (seen) {
        if (seen.get((int) seq)) {
          duplicates.increment();
          return;
        }
        seen.set((int) seq);
        if (inWindow) {
          delivered++;
        }
      }
      if (inWindow) {
        latency.recordValue(Math.max(0, now - sendNanos));
      }
    }

    /** Acknowledged publishes of the window that this stream has not delivered. */
    long missingInWindow() {
      long first = firstSeq;
      long end = endSeq;
      if (first == Long.MAX_VALUE || end == Long.MAX_VALUE) {
        return -1;
      }
      BitSet want;
      synchronized (acked) {
        want = acked.get((int) first, (int) end);
      }
      synchronized (seen) {
        want.andNot(seen.get((int) first, (int) end));
      }
      return want.cardinality();
    }

    /** Deliveries of window publishes that were not acknowledged (e.g. failed at the client's deadline). */
    long deliveredUnacknowledged() {
      BitSet got;
      synchronized (seen) {
        got = seen.get((int) firstSeq, (int) endSeq);
      }
      synchronized (acked) {
        got.andNot(acked.get((int) firstSeq, (int) endSeq));
      }
      return got.cardinality();
    }
  }

  private Propagation() {
    for (int i = 0; i < NODES; i++) {
      receivers[i] = new Receiver();
    }
  }

  static void run(Options o, RunDirectory run, Section s, boolean profile) throws InterruptedException {
    int rate = o.intValue("rate", 1000);
    int topics = o.intValue("topics", 1000);
    int size = o.intValue("size", 1024);
    int warmup = o.intValue("warmup", 20);
    int duration = o.intValue("duration", 20);
    int straggleSeconds = o.intValue("straggle", 30);
    // the node's default unless asked: the pushes, not anti-entropy, are what is measured
    Duration antiEntropy = o.duration("anti-entropy-interval", Duration.ofSeconds(30));
    List<String> extra = o.nodeArgs();
    s.parameter("nodes", "3 xmtpd processes (separate JVMs, SQLite, fresh data directories), full mesh over "
            + "plaintext gRPC replication on loopback (each binds replication port 0 and pins the others' keys in "
            + "its --peers-file, KEY@127.0.0.1:PORT, written once every port is bound: a LocalCluster of processes); "
            + "anti-entropy interval " + antiEntropy.toMillis() + " ms"
            + (extra.isEmpty() ? "" : "; extra flags " + String.join(" ", extra)))
        .parameter("publisher", String.format("%,d publishes/s to node 1, open loop (paced by nanoTime, not "
            + "waiting for acks), gRPC unary, 1 envelope of %d bytes on a random one of %,d topics", rate, size,
            topics))
        .parameter("subscribers", "one gRPC Subscribe stream per node on all " + topics + " topics; node 1's is "
            + "the local reference, nodes 2 and 3 receive by replication")
        .parameter("warm-up / measured", warmup + " s / " + duration + " s (then up to " + straggleSeconds
            + " s for stragglers)");

    try (LocalCluster cluster = LocalCluster.builder(LocalCluster.Mode.PROCESS, run.root()).nodes(NODES)
        .antiEntropyInterval(antiEntropy).args(extra).start()) { // waits until bootstrapped and peered
      List<BenchNode> nodes = cluster.nodes().stream().map(BenchNode::of).toList();
      measure(cluster, nodes, topics, size, rate, warmup, duration, straggleSeconds, s, profile);
    }
  }

  private static void measure(LocalCluster cluster, List<BenchNode> nodes, int topics, int size, int rate,
      int warmup, int duration, int straggleSeconds, Section s, boolean profile) throws InterruptedException {
    Propagation d = new Propagation();
    List<ManagedChannel> channels = new ArrayList<>();
    try {
      List<String> all = new ArrayList<>();
      for (int t = 0; t < topics; t++) {
        all.add(Clients.topic(t));
      }
      for (int i = 0; i < NODES; i++) {
        ManagedChannel ch = Clients.channels(nodes.get(i).grpcPort(), 1).get(0);
        channels.add(ch);
        d.subscribe(ch, i, all);
      }
      ManagedChannel pubChannel = Clients.channels(nodes.get(0).grpcPort(), 1).get(0);
      channels.add(pubChannel);
      MessageApiGrpc.MessageApiStub publisher = Clients.asyncStub(pubChannel, Clients.newToken());
      d.awaitSubscribed(publisher, size);

      long period = TimeUnit.SECONDS.toNanos(1) / rate;
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong nextSeq = new AtomicLong();
      Thread sender = Thread.ofPlatform().name("paced-publisher").start(() -> {
        for (long next = System.nanoTime(); !stop.get(); next += period) {
          long now = System.nanoTime();
          if (now < next) {
            LockSupport.parkNanos(next - now);
          }
          d.publish(publisher, ThreadLocalRandom.current().nextInt(topics), size, nextSeq.getAndIncrement());
        }
      });
      Thread.sleep(warmup * 1000L);
      d.ack.getIntervalHistogram();
      for (Receiver r : d.receivers) {
        r.latency.getIntervalHistogram();
      }
      // CPU windows and profiles open first (jcmd and metric scrapes take seconds), then the latency window
      List<Window> windows = nodes.stream().map(Window::open).toList();
      List<Profiler> profilers = new ArrayList<>();
      if (profile) {
        profilers.add(Profiler.of(nodes.get(0), "propagation-node1", true));
        profilers.add(Profiler.of(nodes.get(1), "propagation-node2", true));
        profilers.forEach(p -> p.start(duration));
      }
      d.firstSeq = nextSeq.get(); // sequence numbers ≥ this are sent after windowStart
      d.windowStart = System.nanoTime();
      Thread.sleep(duration * 1000L);
      d.windowEnd = System.nanoTime();
      d.endSeq = nextSeq.get();
      windows.forEach(Window::close);
      stop.set(true);
      sender.join();
      long sent = d.endSeq - d.firstSeq;
      long ackDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(31); // publishes end by their 30 s deadline
      while (System.nanoTime() < ackDeadline && d.acknowledged() + d.publishErrors.sum() < d.endSeq) {
        Thread.sleep(100);
      }
      long straggleDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(straggleSeconds);
      while (System.nanoTime() < straggleDeadline
          && java.util.Arrays.stream(d.receivers).anyMatch(r -> r.missingInWindow() > 0)) {
        Thread.sleep(100);
      }
      Thread.sleep(1000); // late duplicates

      double seconds = (d.windowEnd - d.windowStart) / 1e9;
      s.result("publish rate achieved", String.format("%,.0f/s (%,d sent in %.1f s)", sent / seconds, sent,
          seconds));
      Histogram[] lat = new Histogram[NODES];
      for (int i = 0; i < NODES; i++) {
        lat[i] = d.receivers[i].latency.getIntervalHistogram();
      }
      s.latency("node 1 (local reference): publish → own stream", lat[0]);
      s.latency("node 2: publish on node 1 → node 2's stream", lat[1]);
      s.latency("node 3: publish on node 1 → node 3's stream", lat[2]);
      Histogram both = new Histogram(3);
      both.add(lat[1]);
      both.add(lat[2]);
      s.latency("nodes 2 and 3 together", both);
      long ackedInWindow = d.acknowledged(d.firstSeq, d.endSeq);
      s.result("publishes of the window acknowledged", String.format("%,d of %,d", ackedInWindow, sent));
      for (int i = 0; i < NODES; i++) {
        Receiver r = d.receivers[i];
        s.result("node " + (i + 1) + " missing / duplicate deliveries", String.format("%,d / %,d (missing = "
                + "acknowledged publishes of the window not delivered; also delivered: %,d unacknowledged ones; "
                + "stream errors %d)", r.missingInWindow(), r.duplicates.sum(), r.deliveredUnacknowledged(),
            r.streamErrors.sum()));
      }
      s.latency("publish ack latency on node 1 at this rate", d.ack.getIntervalHistogram());
      s.result("publish errors", d.publishErrors.sum() + (d.lastError.get() == null ? ""
          : " (last: " + d.lastError.get() + ")"));
      for (int i = 0; i < NODES; i++) {
        windows.get(i).report(s, "node " + (i + 1) + ": ");
      }
      List<ReplicationStatus> after = cluster.awaitStatus("the three nodes to converge (equal fingerprints)",
          Duration.ofMinutes(1), st -> st.stream().allMatch(x -> x.fingerprint().equals(st.get(0).fingerprint())));
      s.result("converged after the run", String.format("events %,d / %,d / %,d, fingerprints equal: %s",
          after.get(0).events(), after.get(1).events(), after.get(2).events(),
          after.stream().allMatch(x -> x.fingerprint().equals(after.get(0).fingerprint()))));
      for (int i = 0; i < NODES; i++) {
        String m = nodes.get(i).metrics();
        s.result("node " + (i + 1) + " replication metrics", replicationMetrics(m));
      }
      profilers.forEach(p -> p.stopAndReport(s));
      double p99 = Math.max(lat[1].getValueAtPercentile(99), lat[2].getValueAtPercentile(99)) / 1e6;
      s.result("target: p99 ≤ 50 ms on the receiving nodes", String.format("%s (worst p99 %.1f ms = %.2f × target)",
          p99 <= 50 ? "met" : "missed", p99, p99 / 50));
    } finally {
      Clients.shutdown(channels);
    }
  }

  private long acknowledged() {
    synchronized (acked) {
      return acked.cardinality();
    }
  }

  private long acknowledged(long from, long to) {
    synchronized (acked) {
      return acked.get((int) from, (int) to).cardinality();
    }
  }

  /** The node's replication_* and xmtpd_replication_* samples, compact. */
  static String replicationMetrics(String metrics) {
    StringBuilder sb = new StringBuilder();
    for (String line : metrics.split("\n")) {
      if (line.startsWith("#") || !line.contains("replication")) {
        continue;
      }
      if (line.contains("_bucket{") || line.contains("_created")) {
        continue;
      }
      sb.append(line.replace("xmtpd_replication_", "")).append("; ");
    }
    return sb.length() == 0 ? "(none)" : sb.substring(0, sb.length() - 2);
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
        if (seq != PROBE) {
          synchronized (acked) {
            acked.set((int) seq);
          }
        }
      }
    });
  }

  /** Publishes probes on node 1 until every node's stream has delivered one (publishes may be refused briefly). */
  private void awaitSubscribed(MessageApiGrpc.MessageApiStub publisher, int size) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (java.util.Arrays.stream(receivers).anyMatch(r -> r.probes.sum() == 0)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not every node delivered a probe within 30 s; last error "
            + lastError.get() + "; probes per node " + java.util.Arrays.stream(receivers)
            .map(r -> Long.toString(r.probes.sum())).toList());
      }
      publish(publisher, 0, size, PROBE);
      Thread.sleep(200);
    }
    publishErrors.reset();
  }

  private void subscribe(ManagedChannel channel, int node, List<String> topics) {
    Receiver r = receivers[node];
    MessageApiGrpc.newStub(channel).subscribe(SubscribeRequest.newBuilder().addAllContentTopics(topics).build(),
        new StreamObserver<>() {
          @Override
          public void onNext(Envelope e) {
            ByteBuffer b = e.getMessage().asReadOnlyByteBuffer();
            r.received(b.getLong(), b.getLong());
          }

          @Override
          public void onError(Throwable t) {
            if (Status.fromThrowable(t).getCode() != Status.Code.CANCELLED) {
              r.streamErrors.increment();
              lastError.set("subscribe on node " + (node + 1) + ": " + Status.fromThrowable(t));
            }
          }

          @Override
          public void onCompleted() {}
        });
  }
}
