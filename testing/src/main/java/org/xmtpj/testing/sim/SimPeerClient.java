package org.xmtpj.testing.sim;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.node.replication.AncestorsRequest;
import org.xmtpj.node.replication.EventsReply;
import org.xmtpj.node.replication.PeerClient;
import org.xmtpj.node.replication.VectorReply;
import org.xmtpj.store.TopicSummary;

/** One node's client to one peer over the {@link SimNetwork}: the peer's handler sees the caller's key. */
final class SimPeerClient implements PeerClient {
  /** Per-message framing (call header, lengths, status) in the byte estimates. */
  static final int MESSAGE_OVERHEAD = 16;
  /** Per-event framing (length prefix and field tag) in the byte estimates. */
  static final int EVENT_OVERHEAD = 8;

  private final SimNetwork network;
  private final OriginKey self;
  private final OriginKey peer;
  private final java.util.function.BooleanSupplier silent;

  SimPeerClient(SimNetwork network, OriginKey self, OriginKey peer) {
    this(network, self, peer, () -> false);
  }

  /** While {@code silent} holds, pushes are swallowed (reported as sent): a withholding node does not gossip. */
  SimPeerClient(SimNetwork network, OriginKey self, OriginKey peer, java.util.function.BooleanSupplier silent) {
    this.network = network;
    this.self = self;
    this.peer = peer;
    this.silent = silent;
  }

  @Override
  public OriginKey peerKey() {
    return peer;
  }

  @Override
  public CompletableFuture<Void> push(List<byte[]> events) {
    if (silent.getAsBoolean()) {
      return CompletableFuture.completedFuture(null);
    }
    List<byte[]> frame = List.copyOf(events);
    return network.call(self, peer, CallType.PUSH, eventBytes(frame), frame.size(), null, h -> {
      h.push(self, frame);
      return Boolean.TRUE;
    }, ok -> MESSAGE_OVERHEAD).thenApply(ok -> null);
  }

  @Override
  public CompletableFuture<VectorReply> vector() {
    return network.call(self, peer, CallType.VECTOR, MESSAGE_OVERHEAD, 0, null, h -> h.vector(self),
        SimPeerClient::vectorBytes);
  }

  @Override
  public CompletableFuture<EventsReply> originRange(OriginKey origin, long fromSeq, int maxEvents, long maxBytes) {
    return network.call(self, peer, CallType.ORIGIN_RANGE, MESSAGE_OVERHEAD + 52, 0, origin,
        h -> h.originRange(self, origin, fromSeq, maxEvents, maxBytes), SimPeerClient::eventsBytes);
  }

  @Override
  public CompletableFuture<EventsReply> ancestors(AncestorsRequest request) {
    long bytes = MESSAGE_OVERHEAD + 44 + 32L * (request.want().size() + request.haveHeads().size())
        + 40L * request.haveVector().size();
    return network.call(self, peer, CallType.ANCESTORS, bytes, 0, request.topic(), h -> h.ancestors(self, request),
        SimPeerClient::eventsBytes);
  }

  @Override
  public CompletableFuture<EventsReply> events(List<EventId> ids) {
    List<EventId> copy = List.copyOf(ids);
    return network.call(self, peer, CallType.EVENTS, MESSAGE_OVERHEAD + 32L * copy.size(), 0, null,
        h -> h.events(self, copy), SimPeerClient::eventsBytes);
  }

  @Override
  public CompletableFuture<List<TopicSummary>> topics(TopicKey after, int limit) {
    return network.call(self, peer, CallType.TOPICS, MESSAGE_OVERHEAD + 36, 0, null, h -> h.topics(self, after, limit),
        SimPeerClient::topicsBytes);
  }

  @Override
  public CompletableFuture<EventsReply> topicRange(TopicKey topic, long afterRow, int maxEvents, long maxBytes) {
    return network.call(self, peer, CallType.TOPIC_RANGE, MESSAGE_OVERHEAD + 52, 0, topic,
        h -> h.topicRange(self, topic, afterRow, maxEvents, maxBytes), SimPeerClient::eventsBytes);
  }

  @Override
  public CompletableFuture<byte[][]> buckets() {
    return network.call(self, peer, CallType.BUCKETS, MESSAGE_OVERHEAD, 0, null, h -> h.buckets(self),
        b -> MESSAGE_OVERHEAD + 32L * b.length);
  }

  @Override
  public CompletableFuture<List<TopicSummary>> bucket(int bucket) {
    return network.call(self, peer, CallType.BUCKET, MESSAGE_OVERHEAD + 4, 0, bucket, h -> h.bucket(self, bucket),
        SimPeerClient::topicsBytes);
  }

  @Override
  public CompletableFuture<Map<TopicKey, List<EventId>>> heads(List<TopicKey> topics) {
    List<TopicKey> copy = List.copyOf(topics);
    return network.call(self, peer, CallType.HEADS, MESSAGE_OVERHEAD + 32L * copy.size(), 0, null,
        h -> h.heads(self, copy), m -> {
          long n = MESSAGE_OVERHEAD;
          for (List<EventId> ids : m.values()) {
            n += 40 + 32L * ids.size();
          }
          return n;
        });
  }

  static long eventBytes(List<byte[]> events) {
    long n = MESSAGE_OVERHEAD;
    for (byte[] e : events) {
      n += e.length + EVENT_OVERHEAD;
    }
    return n;
  }

  static long eventsBytes(EventsReply reply) {
    return eventBytes(reply.events()) + 9;
  }

  static long vectorBytes(VectorReply reply) {
    return MESSAGE_OVERHEAD + reply.fingerprint().length + 48L * reply.vector().size();
  }

  static long topicsBytes(List<TopicSummary> topics) {
    long n = MESSAGE_OVERHEAD;
    for (TopicSummary t : topics) {
      n += 32 + 8 + 32 + 8 + (t.name() == null ? 0 : t.name().getBytes(StandardCharsets.UTF_8).length);
    }
    return n;
  }
}
