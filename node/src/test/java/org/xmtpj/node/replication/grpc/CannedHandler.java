package org.xmtpj.node.replication.grpc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.node.replication.AncestorsRequest;
import org.xmtpj.node.replication.EventsReply;
import org.xmtpj.node.replication.ReplicationHandler;
import org.xmtpj.node.replication.VectorReply;
import org.xmtpj.store.OriginProgress;
import org.xmtpj.store.TopicSummary;

/**
 * Answers every call with fixed, recognizable data and records who called what: the transport is under test, not
 * replication. {@code failWith} makes every call throw; {@code extraEvents} makes event answers longer than asked;
 * {@link #stall()} makes every call wait, like a peer that stopped answering, until {@link #release()}.
 */
final class CannedHandler implements ReplicationHandler {
  record Call(OriginKey from, String method, Object argument) {}

  static final OriginKey ORIGIN = new OriginKey(filled(32, 7));
  static final TopicKey TOPIC = new TopicKey(filled(32, 9));

  final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
  volatile Supplier<RuntimeException> failWith;
  volatile int extraEvents;
  private volatile CountDownLatch stalled;

  /** From now on every call waits until {@link #release()}. */
  void stall() {
    stalled = new CountDownLatch(1);
  }

  /** Lets stalled calls, and later ones, go on. */
  void release() {
    CountDownLatch s = stalled;
    stalled = null;
    if (s != null) {
      s.countDown();
    }
  }

  static byte[] filled(int n, int value) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) value);
    return b;
  }

  static byte[] event(int i) {
    return ("event-" + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  private void record(OriginKey from, String method, Object argument) {
    calls.add(new Call(from, method, argument));
    CountDownLatch s = stalled;
    if (s != null) {
      try {
        s.await(30, TimeUnit.SECONDS); // bounded only so that a test that forgets release() cannot hang a server
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Supplier<RuntimeException> f = failWith;
    if (f != null) {
      throw f.get();
    }
  }

  private EventsReply events(int n, long nextRow) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < n + extraEvents; i++) {
      out.add(event(i));
    }
    return new EventsReply(out, nextRow, true);
  }

  @Override
  public void push(OriginKey from, List<byte[]> events) {
    record(from, "push", events);
  }

  @Override
  public VectorReply vector(OriginKey from) {
    record(from, "vector", null);
    return new VectorReply(Map.of(ORIGIN, new OriginProgress(3, 5)), filled(32, 1));
  }

  @Override
  public EventsReply originRange(OriginKey from, OriginKey origin, long fromSeq, int maxEvents, long maxBytes) {
    record(from, "originRange", List.of(origin, fromSeq, maxEvents, maxBytes));
    return events(Math.min(maxEvents, 2), 0).withFloor(3); // a retention floor travels with origin ranges
  }

  @Override
  public EventsReply ancestors(OriginKey from, AncestorsRequest request) {
    record(from, "ancestors", request);
    return events(1, 0);
  }

  @Override
  public EventsReply events(OriginKey from, List<EventId> ids) {
    record(from, "events", ids);
    return events(ids.size(), 0);
  }

  @Override
  public List<TopicSummary> topics(OriginKey from, TopicKey after, int limit) {
    record(from, "topics", Arrays.asList(after, limit));
    return List.of(new TopicSummary(TOPIC, "/xmtp/0/test/proto", 12, filled(32, 2)),
        new TopicSummary(new TopicKey(filled(32, 10)), null, 1, filled(32, 3)));
  }

  @Override
  public EventsReply topicRange(OriginKey from, TopicKey topic, long afterRow, int maxEvents, long maxBytes) {
    record(from, "topicRange", List.of(topic, afterRow, maxEvents, maxBytes));
    return events(1, afterRow + 7);
  }

  @Override
  public byte[][] buckets(OriginKey from) {
    record(from, "buckets", null);
    byte[][] out = new byte[256][];
    for (int i = 0; i < 256; i++) {
      out[i] = filled(32, i);
    }
    return out;
  }

  @Override
  public List<TopicSummary> bucket(OriginKey from, int bucket) {
    record(from, "bucket", bucket);
    return List.of(new TopicSummary(TOPIC, null, 4, filled(32, 4)));
  }

  @Override
  public Map<TopicKey, List<EventId>> heads(OriginKey from, List<TopicKey> topics) {
    record(from, "heads", topics);
    Map<TopicKey, List<EventId>> out = new LinkedHashMap<>();
    for (TopicKey t : topics) {
      out.put(t, List.of(new EventId(filled(32, 5)), new EventId(filled(32, 6))));
    }
    return out;
  }
}
