package org.xmtpj.testing.sim;

import java.util.List;
import java.util.Map;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.node.replication.AncestorsRequest;
import org.xmtpj.node.replication.EventsReply;
import org.xmtpj.node.replication.ReplicationHandler;
import org.xmtpj.node.replication.VectorReply;
import org.xmtpj.store.TopicSummary;

/** A node that advertises what it holds (vector, topics, heads) but answers every data request empty. */
final class Withholding implements ReplicationHandler {
  private final ReplicationHandler honest;

  Withholding(ReplicationHandler honest) {
    this.honest = honest;
  }

  @Override
  public void push(OriginKey from, List<byte[]> events) {
    honest.push(from, events);
  }

  @Override
  public VectorReply vector(OriginKey from) {
    return honest.vector(from);
  }

  @Override
  public EventsReply originRange(OriginKey from, OriginKey origin, long fromSeq, int maxEvents, long maxBytes) {
    return EventsReply.of(List.of(), false);
  }

  @Override
  public EventsReply ancestors(OriginKey from, AncestorsRequest request) {
    return EventsReply.of(List.of(), false);
  }

  @Override
  public EventsReply events(OriginKey from, List<EventId> ids) {
    return EventsReply.of(List.of(), false);
  }

  @Override
  public List<TopicSummary> topics(OriginKey from, TopicKey after, int limit) {
    return honest.topics(from, after, limit);
  }

  @Override
  public EventsReply topicRange(OriginKey from, TopicKey topic, long afterRow, int maxEvents, long maxBytes) {
    return EventsReply.of(List.of(), false);
  }

  @Override
  public byte[][] buckets(OriginKey from) {
    return honest.buckets(from);
  }

  @Override
  public List<TopicSummary> bucket(OriginKey from, int bucket) {
    return honest.bucket(from, bucket);
  }

  @Override
  public Map<TopicKey, List<EventId>> heads(OriginKey from, List<TopicKey> topics) {
    return honest.heads(from, topics);
  }
}
