package org.xmtpj.testing.sim;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.store.AppendResult;
import org.xmtpj.store.Digest;
import org.xmtpj.store.EnvelopePage;
import org.xmtpj.store.EnvelopeQuery;
import org.xmtpj.store.EventStore;
import org.xmtpj.store.Evidence;
import org.xmtpj.store.Head;
import org.xmtpj.store.OriginProgress;
import org.xmtpj.store.RowEvent;
import org.xmtpj.store.StoreStats;
import org.xmtpj.store.StoredEnvelope;
import org.xmtpj.store.StoredEvent;
import org.xmtpj.store.TopicSummary;
import org.xmtpj.store.WriterState;

/**
 * The replica's store with a kill switch: armed, it "kills the process" at the n-th append, either just before
 * the transaction (nothing of it is stored) or just after its commit (stored, but nobody in the process learns
 * it). Once tripped, every call fails, as nothing of a killed process runs any more; the replica then discards
 * its in-memory state and later reopens the file.
 */
final class CrashingStore implements EventStore {
  /** Where in an append the process dies. */
  enum Point { BEFORE_COMMIT, AFTER_COMMIT }

  static final class Killed extends RuntimeException {
    Killed(String message) {
      super(message, null, false, false);
    }
  }

  private final EventStore delegate;
  private Point point;
  private int appendsLeft;
  private boolean tripped;

  CrashingStore(EventStore delegate) {
    this.delegate = delegate;
  }

  /** The process dies in the {@code nth} append from now (1 = the next one). */
  void arm(int nth, Point at) {
    this.appendsLeft = nth;
    this.point = at;
  }

  void disarm() {
    this.point = null;
  }

  boolean tripped() {
    return tripped;
  }

  private void alive() {
    if (tripped) {
      throw new Killed("process was killed");
    }
  }

  @Override
  public AppendResult append(List<StoredEvent> batch) {
    alive();
    if (point != null && --appendsLeft <= 0) {
      tripped = true;
      if (point == Point.AFTER_COMMIT) {
        delegate.append(batch);
      }
      throw new Killed("killed " + (point == Point.AFTER_COMMIT ? "after" : "before") + " committing "
          + batch.size() + " events");
    }
    return delegate.append(batch);
  }

  @Override
  public List<StoredEnvelope> releaseDue(long nowMs) {
    alive();
    return delegate.releaseDue(nowMs);
  }

  @Override
  public WriterState writerState(byte[] origin) {
    alive();
    return delegate.writerState(origin);
  }

  @Override
  public List<EventId> heads(String contentTopic) {
    alive();
    return delegate.heads(contentTopic);
  }

  @Override
  public List<Head> heads(TopicKey topic) {
    alive();
    return delegate.heads(topic);
  }

  @Override
  public Set<Digest> existingDigests(Collection<Digest> digests) {
    alive();
    return delegate.existingDigests(digests);
  }

  @Override
  public Set<EventId> existingIds(Collection<EventId> ids) {
    alive();
    return delegate.existingIds(ids);
  }

  @Override
  public Map<EventId, TopicKey> topicsOf(Collection<EventId> ids) {
    alive();
    return delegate.topicsOf(ids);
  }

  @Override
  public OptionalLong nextHiddenDue() {
    alive();
    return delegate.nextHiddenDue();
  }

  @Override
  public Map<OriginKey, OriginProgress> vector() {
    alive();
    return delegate.vector();
  }

  @Override
  public List<Evidence> evidence(int limit) {
    alive();
    return delegate.evidence(limit);
  }

  @Override
  public List<byte[]> events(Collection<EventId> ids) {
    alive();
    return delegate.events(ids);
  }

  @Override
  public List<byte[]> originRange(OriginKey origin, long fromSeq, int maxEvents, long maxBytes) {
    alive();
    return delegate.originRange(origin, fromSeq, maxEvents, maxBytes);
  }

  @Override
  public List<TopicSummary> topics(TopicKey after, int limit) {
    alive();
    return delegate.topics(after, limit);
  }

  @Override
  public List<RowEvent> topicRange(TopicKey topic, long afterRow, int maxEvents, long maxBytes) {
    alive();
    return delegate.topicRange(topic, afterRow, maxEvents, maxBytes);
  }

  @Override
  public byte[][] fingerprintBuckets() {
    alive();
    return delegate.fingerprintBuckets();
  }

  @Override
  public List<TopicSummary> topicsInBucket(int bucket) {
    alive();
    return delegate.topicsInBucket(bucket);
  }

  @Override
  public EnvelopePage query(EnvelopeQuery query) {
    alive();
    return delegate.query(query);
  }

  @Override
  public List<StoredEnvelope> readAfter(long afterLocalSeq, Set<String> topics, int limit, long maxBytes) {
    alive();
    return delegate.readAfter(afterLocalSeq, topics, limit, maxBytes);
  }

  @Override
  public Optional<byte[]> event(EventId id) {
    alive();
    return delegate.event(id);
  }

  @Override
  public StoreStats stats() {
    return delegate.stats();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
