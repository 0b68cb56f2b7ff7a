package org.xmtpj.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.xmtpj.dag.EventId;

/**
 * The relational store. One connection belongs to the writer (callers guarantee a single writer thread);
 * reads come from a pool, which on SQLite works because WAL lets readers run beside the writer.
 */
final class JdbcEventStore implements EventStore {
  /** One round trip per this many digests; far below both engines' parameter limits. */
  private static final int DIGEST_CHUNK = 500;
  private final SqlDialect dialect;
  private final Connection writer;
  private final DataSource readers;
  private final AutoCloseable resources;
  private final Map<String, Long> topicIds = new ConcurrentHashMap<>();
  private final Map<ByteKey, Long> originIds = new ConcurrentHashMap<>();
  private final AtomicLong events = new AtomicLong();
  private final AtomicLong payloadBytes = new AtomicLong();
  private final AtomicLong topics = new AtomicLong();
  /** Topics created by the append in progress; only the writer thread touches it. */
  private int createdTopics;
  private final QueryReader queryReader;

  JdbcEventStore(SqlDialect dialect, Connection writer, DataSource readers, AutoCloseable resources) {
    this.dialect = dialect;
    this.writer = writer;
    this.readers = readers;
    this.resources = resources;
    this.queryReader = new QueryReader(readers, this::knownTopicIds);
    loadCounters();
  }

  @Override
  public WriterState writerState(byte[] origin) {
    try (Connection c = readers.getConnection();
        PreparedStatement seq = c.prepareStatement("SELECT COALESCE(MAX(local_seq), 0) FROM events");
        PreparedStatement originSeq = c.prepareStatement(
            "SELECT COALESCE(MAX(e.origin_seq), 0) FROM events e JOIN origins o ON o.id = e.origin"
                + " WHERE o.origin_key = ?")) {
      originSeq.setBytes(1, origin);
      return new WriterState(single(originSeq), single(seq));
    } catch (SQLException e) {
      throw new StoreException("reading writer state", e);
    }
  }

  @Override
  public List<EventId> heads(String contentTopic) {
    Long topic = knownTopicIds(List.of(contentTopic)).get(contentTopic);
    if (topic == null) {
      return List.of();
    }
    try (Connection c = readers.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT id FROM heads WHERE topic = ? ORDER BY id")) {
      ps.setLong(1, topic);
      List<EventId> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new EventId(rs.getBytes(1)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("reading heads", e);
    }
  }

  @Override
  public Set<Digest> existingDigests(Collection<Digest> digests) {
    if (digests.isEmpty()) {
      return Set.of();
    }
    Set<Digest> found = new HashSet<>();
    List<Digest> all = List.copyOf(digests);
    try (Connection c = readers.getConnection()) {
      for (int from = 0; from < all.size(); from += DIGEST_CHUNK) {
        List<Digest> chunk = all.subList(from, Math.min(all.size(), from + DIGEST_CHUNK));
        String sql = "SELECT digest FROM events WHERE digest IN ("
            + String.join(", ", java.util.Collections.nCopies(chunk.size(), "?")) + ")";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          for (int i = 0; i < chunk.size(); i++) {
            ps.setBytes(i + 1, chunk.get(i).bytes());
          }
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              found.add(new Digest(rs.getBytes(1)));
            }
          }
        }
      }
      return found;
    } catch (SQLException e) {
      throw new StoreException("checking digests", e);
    }
  }

  @Override
  public void append(List<StoredEvent> batch) {
    if (batch.isEmpty()) {
      return;
    }
    Map<String, Long> newTopics = new HashMap<>();
    Map<ByteKey, Long> newOrigins = new HashMap<>();
    createdTopics = 0;
    try {
      insertEvents(batch, newTopics, newOrigins);
      updateHeads(batch, newTopics);
      updateCounters(batch);
      writer.commit();
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(e);
      throw new StoreException("appending " + batch.size() + " events (nothing stored)", e);
    }
    topicIds.putAll(newTopics);
    originIds.putAll(newOrigins);
    topics.addAndGet(createdTopics);
    events.addAndGet(batch.size());
    payloadBytes.addAndGet(batch.stream().mapToLong(s -> s.event().encoded().length).sum());
  }

  private void insertEvents(List<StoredEvent> batch, Map<String, Long> newTopics, Map<ByteKey, Long> newOrigins)
      throws SQLException {
    try (PreparedStatement ps = writer.prepareStatement("INSERT INTO events"
        + " (local_seq, id, topic, ts, digest, origin, origin_seq, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (StoredEvent s : batch) {
        ps.setLong(1, s.localSeq());
        ps.setBytes(2, s.event().id().bytes());
        ps.setLong(3, topicIdForWrite(s.envelope().contentTopic(), newTopics));
        ps.setLong(4, s.envelope().timestampNs());
        ps.setBytes(5, s.digest().bytes());
        ps.setLong(6, originIdForWrite(s.event().event().origin(), newOrigins));
        ps.setLong(7, s.event().event().originSeq());
        ps.setBytes(8, s.event().encoded());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Applies the batch's net effect on heads: parents leave, events nobody in the batch links to join. */
  private void updateHeads(List<StoredEvent> batch, Map<String, Long> newTopics) throws SQLException {
    Set<EventId> linked = new HashSet<>();
    batch.forEach(s -> linked.addAll(s.event().event().parents()));
    try (PreparedStatement del = writer.prepareStatement("DELETE FROM heads WHERE topic = ? AND id = ?");
        PreparedStatement ins = writer.prepareStatement("INSERT INTO heads (topic, id) VALUES (?, ?)")) {
      for (StoredEvent s : batch) {
        long topic = topicIdForWrite(s.envelope().contentTopic(), newTopics);
        for (EventId parent : s.event().event().parents()) {
          del.setLong(1, topic);
          del.setBytes(2, parent.bytes());
          del.addBatch();
        }
        if (!linked.contains(s.event().id())) {
          ins.setLong(1, topic);
          ins.setBytes(2, s.event().id().bytes());
          ins.addBatch();
        }
      }
      del.executeBatch();
      ins.executeBatch();
    }
  }

  private void updateCounters(List<StoredEvent> batch) throws SQLException {
    long bytes = batch.stream().mapToLong(s -> s.event().encoded().length).sum();
    try (PreparedStatement ps = writer.prepareStatement("UPDATE counters SET value = value + ? WHERE name = ?")) {
      ps.setLong(1, batch.size());
      ps.setString(2, "events");
      ps.addBatch();
      ps.setLong(1, bytes);
      ps.setString(2, "payload_bytes");
      ps.addBatch();
      ps.executeBatch();
    }
  }

  private long topicIdForWrite(String topic, Map<String, Long> pending) throws SQLException {
    Long id = topicIds.get(topic);
    if (id == null) {
      id = pending.get(topic);
    }
    if (id == null) {
      id = insertIgnoreAndSelect("topics", "name", topic);
      pending.put(topic, id);
    }
    return id;
  }

  private long originIdForWrite(byte[] origin, Map<ByteKey, Long> pending) throws SQLException {
    ByteKey key = new ByteKey(origin);
    Long id = originIds.get(key);
    if (id == null) {
      id = pending.get(key);
    }
    if (id == null) {
      id = insertIgnoreAndSelect("origins", "origin_key", origin);
      pending.put(key, id);
    }
    return id;
  }

  private long insertIgnoreAndSelect(String table, String column, Object value) throws SQLException {
    try (PreparedStatement ins = writer.prepareStatement(dialect.insertIgnore(table, column));
        PreparedStatement sel = writer.prepareStatement("SELECT id FROM " + table + " WHERE " + column + " = ?")) {
      ins.setObject(1, value);
      if (ins.executeUpdate() > 0 && table.equals("topics")) {
        createdTopics++;
      }
      sel.setObject(1, value);
      return single(sel);
    }
  }

  @Override
  public EnvelopePage query(EnvelopeQuery query) {
    return queryReader.query(query);
  }

  @Override
  public List<StoredEnvelope> readAfter(long afterLocalSeq, Set<String> topics, int limit) {
    return queryReader.readAfter(afterLocalSeq, topics, limit);
  }

  @Override
  public Optional<byte[]> event(EventId id) {
    try (Connection c = readers.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT raw FROM events WHERE id = ?")) {
      ps.setBytes(1, id.bytes());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException("reading event", e);
    }
  }

  @Override
  public StoreStats stats() {
    return new StoreStats(events.get(), topics.get(), payloadBytes.get());
  }

  /** Topic name → id for the topics that exist; unknown topics are absent (and simply match nothing). */
  private Map<String, Long> knownTopicIds(Collection<String> topics) {
    Map<String, Long> out = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (String t : topics) {
      Long id = topicIds.get(t);
      if (id != null) {
        out.put(t, id);
      } else {
        missing.add(t);
      }
    }
    if (!missing.isEmpty()) {
      out.putAll(lookupTopics(missing));
    }
    return out;
  }

  private Map<String, Long> lookupTopics(List<String> names) {
    Map<String, Long> out = new HashMap<>();
    try (Connection c = readers.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT id FROM topics WHERE name = ?")) {
      for (String name : names) {
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            out.put(name, rs.getLong(1));
            topicIds.put(name, rs.getLong(1));
          }
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("resolving topics", e);
    }
  }

  private void loadCounters() {
    try (Connection c = readers.getConnection();
        PreparedStatement count = c.prepareStatement("SELECT COUNT(*) FROM topics");
        PreparedStatement ps = c.prepareStatement("SELECT name, value FROM counters");
        ResultSet rs = ps.executeQuery()) {
      topics.set(single(count));
      while (rs.next()) {
        switch (rs.getString(1)) {
          case "events" -> events.set(rs.getLong(2));
          case "payload_bytes" -> payloadBytes.set(rs.getLong(2));
          default -> { }
        }
      }
    } catch (SQLException e) {
      throw new StoreException("reading counters", e);
    }
  }

  private void rollbackQuietly(Exception cause) {
    try {
      writer.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  private static long single(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new SQLException("expected one row");
      }
      return rs.getLong(1);
    }
  }

  @Override
  public void close() {
    try {
      writer.close();
      resources.close();
    } catch (Exception e) {
      throw new StoreException("closing store", e);
    }
  }

  private record ByteKey(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof ByteKey k && java.util.Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(bytes);
    }
  }
}
