package org.xmtpj.node.replication;

import java.util.List;
import java.util.Map;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.store.TopicSummary;

/**
 * The serving side of {@link PeerClient}: what a node answers to an authenticated peer. Transports (gRPC, the
 * simulator) call it with the peer's verified key. Methods throw {@link PeerException} with kind INVALID for
 * requests that break {@link ReplicationLimits}, REFUSED for a banned peer.
 */
public interface ReplicationHandler {

  /** Accepts gossip; returns once the events are queued for validation (not once stored). */
  void push(OriginKey from, List<byte[]> events);

  VectorReply vector(OriginKey from);

  EventsReply originRange(OriginKey from, OriginKey origin, long fromSeq, int maxEvents, long maxBytes);

  EventsReply ancestors(OriginKey from, AncestorsRequest request);

  EventsReply events(OriginKey from, List<EventId> ids);

  List<TopicSummary> topics(OriginKey from, TopicKey after, int limit);

  EventsReply topicRange(OriginKey from, TopicKey topic, long afterRow, int maxEvents, long maxBytes);

  byte[][] buckets(OriginKey from);

  List<TopicSummary> bucket(OriginKey from, int bucket);

  Map<TopicKey, List<EventId>> heads(OriginKey from, List<TopicKey> topics);

  /**
   * A node we do not allow (yet) sent a handshake. It may be an unpinned peer of ours whose key we have not
   * learned, which cannot get in until we dial it: a hint to do so soon.
   */
  default void refusedHandshake() {}
}
