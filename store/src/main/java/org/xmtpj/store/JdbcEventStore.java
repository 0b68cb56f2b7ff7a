package org.xmtpj.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.TopicKey;

/**
 * The relational store (schema: {@code db/migration/*}). One connection belongs to the writer (callers guarantee
 * a single writer thread for {@link #append} and {@link #releaseDue}); reads come from a pool, which on SQLite
 * works because WAL lets readers run beside the writer. The vector, the fingerprint buckets, the sequences and
 * the sizes live in memory as well: loaded at open, republished by the writer after each commit.
 *
 * <p>Open also completes what the V2 migration cannot compute in SQL for a database created under V1: topic
 * heads hashes (SHA-256, which SQLite lacks) and the origins' vector rows (a walk for the contiguous prefix).
 * Both are recomputed only where missing, so later opens cost nothing extra. Likewise for V3: the creation time
 * and parent links of events stored before it ({@link Links#backfill}).
 */
final class JdbcEventStore implements EventStore {
  private final Connection writer;
  private final AutoCloseable resources;
  private final StoreCounters counters = new StoreCounters();
  private final VectorTracker vector = new VectorTracker();
  private final FingerprintTracker fingerprints = new FingerprintTracker();
  private final QueryReader queryReader;
  private final ReplicaReader replicaReader;
  private final BatchAppender appender;
  private final HiddenReleaser releaser;
  private final Pruner pruner;
  private final HorizonWrites horizon;
  /**
   * Held by every use of the writer connection: the writer thread's mutations, and a reader that moves damaged
   * rows into quarantine (readers run on any thread).
   */
  private final Lock writeLock = new ReentrantLock();
  private final Quarantine quarantine;

  JdbcEventStore(SqlDialect dialect, Connection writer, DataSource readers, AutoCloseable resources) {
    this.writer = writer;
    this.resources = resources;
    Registry registry = new Registry(readers);
    this.quarantine = new Quarantine(writer, writeLock, counters, vector, System::currentTimeMillis);
    this.queryReader = new QueryReader(readers, registry::topicIdsOfNames, quarantine);
    this.replicaReader = new ReplicaReader(readers, registry, quarantine);
    this.appender = new BatchAppender(writer, dialect, registry, counters, vector, fingerprints, quarantine);
    this.releaser = new HiddenReleaser(writer, readers, counters, quarantine);
    this.pruner = new Pruner(writer, counters, vector, quarantine);
    this.horizon = new HorizonWrites(writer, dialect, registry, vector, fingerprints);
    try {
      counters.load(writer);
      vector.load(writer);
      fingerprints.load(writer);
      quarantine.load(writer);
      Links.backfill(writer);
    } catch (SQLException e) {
      appender.rollbackQuietly(e);
      throw StoreException.of("loading the store's state", e);
    }
  }

  @Override
  public WriterState writerState(byte[] origin) {
    return new WriterState(vector.of(new OriginKey(origin)).maxSeen(), counters.lastLocalSeq());
  }

  @Override
  public List<EventId> heads(String contentTopic) {
    return replicaReader.headIds(TopicKey.of(contentTopic));
  }

  @Override
  public List<Head> heads(TopicKey topic) {
    return replicaReader.heads(topic);
  }

  @Override
  public Set<Digest> existingDigests(Collection<Digest> digests) {
    return digests.isEmpty() ? Set.of() : queryReader.existingDigests(digests);
  }

  @Override
  public Set<EventId> existingIds(Collection<EventId> ids) {
    return replicaReader.existingIds(ids);
  }

  @Override
  public Map<EventId, TopicKey> topicsOf(Collection<EventId> ids) {
    return replicaReader.topicsOf(ids);
  }

  @Override
  public AppendResult append(List<StoredEvent> batch) {
    if (batch.isEmpty()) {
      return new AppendResult(List.of(), List.of(), List.of());
    }
    return locked(() -> appender.append(batch));
  }

  @Override
  public List<StoredEnvelope> releaseDue(long nowMs) {
    List<StoredEnvelope> released = locked(() -> releaser.releaseDue(nowMs));
    quarantine.flush(); // rows the release found damaged
    return released;
  }

  @Override
  public OptionalLong nextHiddenDue() {
    return releaser.nextHiddenDue();
  }

  @Override
  public Map<OriginKey, OriginProgress> vector() {
    return vector.vector();
  }

  @Override
  public List<Evidence> evidence(int limit) {
    return replicaReader.evidence(limit);
  }

  @Override
  public List<byte[]> events(Collection<EventId> ids) {
    return quarantine.reading(() -> replicaReader.events(ids));
  }

  @Override
  public List<byte[]> originRange(OriginKey origin, long fromSeq, int maxEvents, long maxBytes) {
    return quarantine.reading(() -> replicaReader.originRange(origin, fromSeq, maxEvents, maxBytes));
  }

  @Override
  public List<TopicSummary> topics(TopicKey after, int limit) {
    return replicaReader.topics(after, limit);
  }

  @Override
  public List<RowEvent> topicRange(TopicKey topic, long afterRow, int maxEvents, long maxBytes) {
    return quarantine.reading(() -> replicaReader.topicRange(topic, afterRow, maxEvents, maxBytes));
  }

  @Override
  public byte[][] fingerprintBuckets() {
    return fingerprints.buckets();
  }

  @Override
  public List<TopicSummary> topicsInBucket(int bucket) {
    return replicaReader.topicsInBucket(bucket);
  }

  @Override
  public EnvelopePage query(EnvelopeQuery query) {
    return quarantine.reading(() -> queryReader.query(query));
  }

  @Override
  public List<StoredEnvelope> readAfter(long afterLocalSeq, Set<String> topics, int limit, long maxBytes) {
    return quarantine.reading(() -> queryReader.readAfter(afterLocalSeq, topics, limit, maxBytes));
  }

  @Override
  public Optional<byte[]> event(EventId id) {
    return quarantine.reading(() -> replicaReader.event(id));
  }

  @Override
  public PruneResult prune(long horizonMs, int maxEvents) {
    PruneResult result = locked(() -> pruner.prune(horizonMs, maxEvents));
    quarantine.flush(); // rows the pass found damaged
    return result;
  }

  @Override
  public OriginProgress raiseFloor(OriginKey origin, long floor) {
    return locked(() -> horizon.raiseFloor(origin, floor));
  }

  @Override
  public long floor(OriginKey origin) {
    return vector.floor(origin);
  }

  @Override
  public int retireHeads(TopicKey topic, Collection<EventId> ids) {
    return locked(() -> horizon.retireHeads(topic, ids));
  }

  @Override
  public List<EventId> quarantined(int limit) {
    return quarantine.waiting(limit);
  }

  @Override
  public long verifyStored(long afterRow, int maxRows) {
    long last = replicaReader.verify(afterRow, maxRows);
    quarantine.flush();
    return last;
  }

  private <T> T locked(Supplier<T> write) {
    writeLock.lock();
    try {
      return write.get();
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public StoreStats stats() {
    return counters.stats();
  }

  @Override
  public void close() {
    writeLock.lock();
    try {
      writer.close();
      resources.close();
    } catch (Exception e) {
      throw StoreException.of("closing store", e);
    } finally {
      writeLock.unlock();
    }
  }
}
