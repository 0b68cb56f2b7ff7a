package org.xmtpj.testing.malicious;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.xmtpj.proto.replication.v1.GetBucketRequest;
import org.xmtpj.proto.replication.v1.GetEventsRequest;
import org.xmtpj.proto.replication.v1.GetOriginRangeRequest;
import org.xmtpj.proto.replication.v1.GetTopicRangeRequest;
import org.xmtpj.proto.replication.v1.GetVectorRequest;
import org.xmtpj.proto.replication.v1.GetVectorResponse;
import org.xmtpj.proto.replication.v1.HandshakeRequest;
import org.xmtpj.proto.replication.v1.ListTopicsRequest;
import org.xmtpj.proto.replication.v1.TopicsResponse;

/**
 * One round of every attack against one honest node, as its pinned peer. Tally names: {@code flood …} (frames of
 * valid events, big frames, frames past the node's limit, forged events), {@code burst …} (many concurrent reads
 * asking for the largest pages), {@code garbage …} (requests outside the protocol's bounds), {@code replay …}
 * (handshakes the node must refuse: every {@code replay … ok} is a hole).
 */
final class Attacks {
  /** The node's frame limit (ReplicationLimits.DEFAULTS): reads ask for pages just under it. */
  private static final long PAGE_BYTES = 4 * 1024 * 1024 - 64 * 1024;
  private static final int BURST = 64;

  private final Forger forger;
  private final Handshakes handshakes;
  private final LyingService server;
  private final ExecutorService burst = Executors.newVirtualThreadPerTaskExecutor();

  Attacks(Forger forger, Handshakes handshakes, LyingService server) {
    this.forger = forger;
    this.handshakes = handshakes;
    this.server = server;
  }

  /**
   * One round; {@code full} false: only what an honest peer may do too (valid floods, whole-page reads), which
   * earns no penalty, so the load lands before a ban stops it.
   */
  void round(Attacker a, List<Attacker> others, boolean full) throws InterruptedException {
    a.push("flood valid_500x256B", forger.valid(500, 256));
    a.push("flood valid_3x1MiB", forger.valid(3, 1_000_000));
    burst(a);
    if (full) {
      flood(a);
      garbage(a);
      replay(a, others);
    }
  }

  private void flood(Attacker a) {
    a.push("flood oversized_5MiB", forger.garbage(5, 1 << 20));
    List<byte[]> forged = new ArrayList<>(forger.badSignatures(50));
    forged.addAll(forger.garbage(50, 300));
    a.push("flood forged_100", forged);
  }

  /** Many concurrent reads of whole pages: of real topics, of real origins, of topic listings. */
  private void burst(Attacker a) throws InterruptedException {
    TopicsResponse topics = a.withSessionCall("burst list",
        s -> s.listTopics(ListTopicsRequest.newBuilder().setLimit(1000).build()));
    GetVectorResponse vector = a.withSessionCall("burst vector", s -> s.getVector(GetVectorRequest.getDefaultInstance()));
    List<Future<?>> calls = new ArrayList<>();
    for (int i = 0; i < BURST; i++) {
      int n = i;
      calls.add(burst.submit(() -> burstCall(a, n, topics, vector)));
    }
    for (Future<?> f : calls) {
      try {
        f.get();
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException("burst call failed outside gRPC", e.getCause());
      }
    }
  }

  private void burstCall(Attacker a, int n, TopicsResponse topics, GetVectorResponse vector) {
    if (n % 2 == 0 && topics != null && topics.getTopicsCount() > 0) {
      ByteString topic = topics.getTopics(n % topics.getTopicsCount()).getKey();
      a.withSessionCall("burst topic_range", s -> s.getTopicRange(GetTopicRangeRequest.newBuilder().setTopic(topic)
          .setMaxEvents(1000).setMaxBytes(PAGE_BYTES).build()));
    } else if (vector != null && vector.getEntriesCount() > 0) {
      ByteString origin = vector.getEntries(n % vector.getEntriesCount()).getOrigin();
      a.withSessionCall("burst origin_range", s -> s.getOriginRange(GetOriginRangeRequest.newBuilder()
          .setOrigin(origin).setFromSeq(1).setMaxEvents(1000).setMaxBytes(PAGE_BYTES).build()));
    } else {
      a.withSessionCall("burst vector", s -> s.getVector(GetVectorRequest.getDefaultInstance()));
    }
  }

  /** Requests outside the protocol's bounds, and calls under a session the node never issued. */
  private void garbage(Attacker a) {
    a.withSessionCall("garbage short_origin", s -> s.getOriginRange(GetOriginRangeRequest.newBuilder()
        .setOrigin(ByteString.copyFrom(new byte[5])).setFromSeq(1).setMaxEvents(10).setMaxBytes(1000).build()));
    a.withSessionCall("garbage zero_range", s -> s.getOriginRange(GetOriginRangeRequest.newBuilder()
        .setOrigin(ByteString.copyFrom(new byte[32])).setFromSeq(0).setMaxEvents(0).setMaxBytes(0).build()));
    a.withSessionCall("garbage huge_listing", s -> s.listTopics(ListTopicsRequest.newBuilder()
        .setLimit(1_000_000).build()));
    a.withSessionCall("garbage bucket_999", s -> s.getBucket(GetBucketRequest.newBuilder().setBucket(999).build()));
    a.withSessionCall("garbage no_ids", s -> s.getEvents(GetEventsRequest.getDefaultInstance()));
    byte[] forged = new byte[32];
    ThreadLocalRandom.current().nextBytes(forged);
    // named a replay: a session id the node never issued must not work, so "ok" is a hole
    a.attempt("replay forged_session", () -> a.withSession(ByteString.copyFrom(forged))
        .withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS).getVector(GetVectorRequest.getDefaultInstance()));
  }

  /**
   * Handshakes the node must refuse: one of ours sent again, one dated 10 min ago, one addressed to another
   * node, and the honest nodes' own handshakes to the malicious node, captured and replayed here.
   */
  private void replay(Attacker a, List<Attacker> others) {
    HandshakeRequest fresh = handshakes.hello(a.target.keyBytes(), System.currentTimeMillis());
    a.handshake("handshake fresh", fresh);
    a.handshake("replay same_nonce", fresh);
    a.handshake("replay stale_10min", handshakes.hello(a.target.keyBytes(), System.currentTimeMillis() - 600_000));
    for (Attacker other : others) {
      a.handshake("replay addressed_elsewhere", handshakes.hello(other.target.keyBytes(), System.currentTimeMillis()));
    }
    List<HandshakeRequest> captured = server.captured();
    for (int i = 0; i < Math.min(4, captured.size()); i++) {
      a.handshake("replay captured_honest", captured.get(ThreadLocalRandom.current().nextInt(captured.size())));
    }
  }

  void close() {
    burst.shutdownNow();
  }
}
