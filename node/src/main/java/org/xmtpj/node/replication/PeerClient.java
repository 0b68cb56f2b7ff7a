package org.xmtpj.node.replication;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.store.TopicSummary;

/**
 * The calls one node makes on one peer. Asynchronous: the replicator never blocks on the network. A failed call
 * completes exceptionally with a {@link PeerException}. Implemented over gRPC for real nodes and by the network
 * model of the deterministic simulator.
 */
public interface PeerClient {

  /** The peer's node key (after the handshake for a real connection). */
  OriginKey peerKey();

  /** The peer's key if known without a network call (pinned, or proven by a handshake), else null. */
  default OriginKey knownKey() {
    return peerKey();
  }

  /** Gossip: validated, causally complete events, at most {@link ReplicationLimits#maxPushEvents}. */
  CompletableFuture<Void> push(List<byte[]> events);

  CompletableFuture<VectorReply> vector();

  /** Any origin's log from {@code fromSeq}: any node answers for any origin. */
  CompletableFuture<EventsReply> originRange(OriginKey origin, long fromSeq, int maxEvents, long maxBytes);

  CompletableFuture<EventsReply> ancestors(AncestorsRequest request);

  CompletableFuture<EventsReply> events(List<EventId> ids);

  /** Topic listing for bootstrap and reconciliation. */
  CompletableFuture<List<TopicSummary>> topics(TopicKey after, int limit);

  /** One topic's events in the peer's topological order, resumable by row: bootstrap streaming. */
  CompletableFuture<EventsReply> topicRange(TopicKey topic, long afterRow, int maxEvents, long maxBytes);

  /** The 256 fingerprint bucket hashes (fallback reconciliation). */
  CompletableFuture<byte[][]> buckets();

  CompletableFuture<List<TopicSummary>> bucket(int bucket);

  CompletableFuture<Map<TopicKey, List<EventId>>> heads(List<TopicKey> topics);
}
