package org.xmtpj.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.store.FingerprintTracker.Change;
import org.xmtpj.store.Registry.TopicRow;
import org.xmtpj.store.VisibilityPlan.Candidate;

/** {@link EventStore#append}: one transaction per batch on the writer connection; state is published after commit. */
final class BatchAppender {
  private final Connection writer;
  private final SqlDialect dialect;
  private final Registry registry;
  private final StoreCounters counters;
  private final VectorTracker vector;
  private final FingerprintTracker fingerprints;
  private final Quarantine quarantine;

  BatchAppender(Connection writer, SqlDialect dialect, Registry registry, StoreCounters counters,
      VectorTracker vector, FingerprintTracker fingerprints, Quarantine quarantine) {
    this.writer = writer;
    this.dialect = dialect;
    this.registry = registry;
    this.counters = counters;
    this.vector = vector;
    this.fingerprints = fingerprints;
    this.quarantine = quarantine;
  }

  /** What a committed append changes outside the database. */
  private record Outcome(List<StoredEnvelope> visible, List<Evidence> evidence, Map<TopicKey, TopicRow> topics,
      Map<OriginKey, Long> origins, List<Change> changes, Map<OriginKey, OriginProgress> progress,
      long lastLocalSeq, Set<EventId> healed) {}

  AppendResult append(List<StoredEvent> batch) {
    try {
      Set<EventId> stored = storedIds(batch);
      List<Boolean> inserted = new ArrayList<>(batch.size());
      List<FreshEvent> fresh = new ArrayList<>();
      long row = counters.lastRow();
      for (StoredEvent s : batch) {
        boolean isNew = stored.add(s.event().id());
        inserted.add(isNew);
        if (isNew) {
          fresh.add(FreshEvent.of(s, ++row));
        }
      }
      if (fresh.isEmpty()) {
        writer.rollback();
        return new AppendResult(inserted, List.of(), List.of());
      }
      Outcome o = write(fresh);
      writer.commit();
      publish(fresh, row, o);
      return new AppendResult(inserted, o.visible(), o.evidence());
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(e);
      throw StoreException.of("appending " + batch.size() + " events (nothing stored)", e);
    }
  }

  private Outcome write(List<FreshEvent> fresh) throws SQLException {
    Map<TopicKey, TopicRow> topics = registry.topicsForWrite(writer, names(fresh));
    Set<OriginKey> originKeys = new LinkedHashSet<>();
    fresh.forEach(f -> originKeys.add(f.origin()));
    Map<OriginKey, Long> origins = registry.originsForWrite(writer, originKeys, dialect);
    List<Evidence> evidence = Equivocations.record(writer, fresh, origins);
    VisibilityPlan plan = VisibilityPlan.load(writer,
        fresh.stream().filter(FreshEvent::visibleCandidate).map(FreshEvent::digest).distinct().toList());
    for (FreshEvent f : fresh) {
      if (f.visibleCandidate()) {
        plan.offer(new Candidate(f.row(), f.stored().envelope().timestampNs(), f.id().bytes(), f.digest(),
            f.stored().envelope(), false));
      }
    }
    demote(writer, plan.demoted());
    Map<Long, Long> localSeqs = new HashMap<>();
    List<StoredEnvelope> visible = new ArrayList<>();
    long local = counters.lastLocalSeq();
    for (Candidate c : plan.winners()) {
      localSeqs.put(c.row(), ++local);
      visible.add(new StoredEnvelope(local, c.envelope()));
    }
    insertEvents(fresh, topics, origins, localSeqs);
    List<Change> changes = TopicWriter.apply(writer, fresh, topics, Links.record(writer, fresh));
    Map<OriginKey, Set<Long>> seqs = new HashMap<>();
    fresh.forEach(f -> seqs.computeIfAbsent(f.origin(), o -> new HashSet<>()).add(f.originSeq()));
    Map<OriginKey, OriginProgress> progress = vector.advance(writer, origins, seqs);
    StoreCounters.add(writer, fresh.size(), payloadBytes(fresh));
    Set<EventId> healed = quarantine.healed(writer, fresh.stream().map(FreshEvent::id).toList());
    return new Outcome(visible, evidence, topics, origins, changes, progress, local, healed);
  }

  /** Topic key → the content topic of its first envelope in the batch (null if only merge events). */
  private static Map<TopicKey, String> names(List<FreshEvent> fresh) {
    Map<TopicKey, String> names = new LinkedHashMap<>();
    for (FreshEvent f : fresh) {
      String name = f.stored().envelope() == null ? null : f.stored().envelope().contentTopic();
      String known = names.get(f.topic());
      if (known != null && name != null && !known.equals(name)) {
        throw new IllegalArgumentException("two content topics for " + f.topic() + ": " + known + ", " + name);
      }
      if (known == null) {
        names.put(f.topic(), name);
      }
    }
    return names;
  }

  /** Representatives that lost their digest to a smaller (timestamp, id) give up their local sequence. */
  static void demote(Connection w, List<Long> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = w.prepareStatement("UPDATE events SET local_seq = NULL WHERE row_no = ?")) {
      for (long row : rows) {
        ps.setLong(1, row);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private void insertEvents(List<FreshEvent> fresh, Map<TopicKey, TopicRow> topics, Map<OriginKey, Long> origins,
      Map<Long, Long> localSeqs) throws SQLException {
    try (PreparedStatement ps = writer.prepareStatement("INSERT INTO events (row_no, id, topic, origin, origin_seq,"
        + " ts, digest, local_seq, hidden_until, raw, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (FreshEvent f : fresh) {
        StoredEvent s = f.stored();
        ps.setLong(1, f.row());
        ps.setBytes(2, f.id().bytes());
        ps.setLong(3, topics.get(f.topic()).id());
        ps.setLong(4, origins.get(f.origin()));
        ps.setLong(5, f.originSeq());
        setNullableLong(ps, 6, s.envelope() == null ? null : s.envelope().timestampNs());
        ps.setBytes(7, f.digest() == null ? null : f.digest().bytes());
        setNullableLong(ps, 8, localSeqs.get(f.row()));
        setNullableLong(ps, 9, s.hiddenUntilMs() > 0 ? s.hiddenUntilMs() : null);
        ps.setBytes(10, f.raw());
        ps.setLong(11, s.event().event().createdAtMs());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private Set<EventId> storedIds(List<StoredEvent> batch) throws SQLException {
    Set<EventId> out = new HashSet<>();
    List<byte[]> ids = batch.stream().map(s -> s.event().id().bytes()).toList();
    for (List<byte[]> chunk : Sql.chunks(ids)) {
      try (PreparedStatement ps = writer.prepareStatement(
          "SELECT id FROM events WHERE id IN (" + Sql.placeholders(chunk.size()) + ")")) {
        Sql.bindBytes(ps, 1, chunk);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new EventId(rs.getBytes(1)));
          }
        }
      }
    }
    return out;
  }

  private void publish(List<FreshEvent> fresh, long lastRow, Outcome o) {
    long created = o.topics().values().stream().filter(TopicRow::created).count();
    counters.committed(lastRow, o.lastLocalSeq(), fresh.size(), payloadBytes(fresh), created);
    registry.remember(o.topics(), o.origins());
    vector.publish(o.progress());
    fingerprints.publish(o.changes());
    quarantine.publishHealed(o.healed());
  }

  private static long payloadBytes(List<FreshEvent> fresh) {
    return fresh.stream().mapToLong(f -> f.raw().length).sum();
  }

  static void setNullableLong(PreparedStatement ps, int index, Long value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.BIGINT);
    } else {
      ps.setLong(index, value);
    }
  }

  void rollbackQuietly(Exception cause) {
    try {
      writer.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }
}
