package org.xmtpj.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.TopicKey;

/**
 * Topic and origin keys ↔ their compact row ids. Topics are found by key, never by name: a topic created by an
 * event without envelope has no name yet, and the key of a content topic is a pure function of its name. Only
 * committed rows enter the caches, so a rolled-back append leaves nothing behind.
 */
final class Registry {
  private final DataSource readers;
  private final Map<TopicKey, Long> topicIds = new ConcurrentHashMap<>();
  private final Map<OriginKey, Long> originIds = new ConcurrentHashMap<>();

  Registry(DataSource readers) {
    this.readers = readers;
  }

  /** A topic row of the append in progress; {@code oldHash} is null for a topic created by it. */
  record TopicRow(long id, byte[] oldHash, boolean created) {}

  /** Ids of the known topics among {@code names}; unknown topics are absent (and simply match nothing). */
  Map<String, Long> topicIdsOfNames(Collection<String> names) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String name : names) {
      Long id = topicId(TopicKey.of(name));
      if (id != null) {
        out.put(name, id);
      }
    }
    return out;
  }

  /** The topic's row id, or null if no event of it is stored. */
  Long topicId(TopicKey key) {
    return cachedOrLookup(topicIds, key, key.bytes(), "SELECT id FROM topics WHERE topic_key = ?");
  }

  /** The origin's row id, or null if no event of it is stored. */
  Long originId(OriginKey key) {
    return cachedOrLookup(originIds, key, key.bytes(), "SELECT id FROM origins WHERE origin_key = ?");
  }

  private <K> Long cachedOrLookup(Map<K, Long> cache, K key, byte[] bytes, String sql) {
    Long id = cache.get(key);
    if (id != null) {
      return id;
    }
    try (Connection c = readers.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setBytes(1, bytes);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        cache.put(key, rs.getLong(1));
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw StoreException.of("resolving a key", e);
    }
  }

  /**
   * Inside the writer's transaction: the rows of the given topics (key → content topic of the first envelope in
   * the batch, or null), creating missing ones and filling a missing name. Refuses (after the rows before it
   * were written: the caller rolls back) an envelope whose content topic does not hash to its event's topic.
   */
  Map<TopicKey, TopicRow> topicsForWrite(Connection w, Map<TopicKey, String> names) throws SQLException {
    Map<TopicKey, TopicRow> rows = new HashMap<>();
    Map<TopicKey, Boolean> named = new HashMap<>();
    for (List<TopicKey> chunk : Sql.chunks(List.copyOf(names.keySet()))) {
      try (PreparedStatement ps = w.prepareStatement("SELECT id, topic_key, name, heads_hash FROM topics"
          + " WHERE topic_key IN (" + Sql.placeholders(chunk.size()) + ")")) {
        Sql.bindBytes(ps, 1, chunk.stream().map(TopicKey::bytes).toList());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            TopicKey key = new TopicKey(rs.getBytes(2));
            rows.put(key, new TopicRow(rs.getLong(1), rs.getBytes(4), false));
            named.put(key, rs.getString(3) != null);
          }
        }
      }
    }
    try (PreparedStatement ins = w.prepareStatement(
            "INSERT INTO topics (topic_key, name, event_count) VALUES (?, ?, 0) RETURNING id");
        PreparedStatement fill = w.prepareStatement("UPDATE topics SET name = ? WHERE id = ? AND name IS NULL")) {
      for (Map.Entry<TopicKey, String> e : names.entrySet()) {
        if (e.getValue() != null && !TopicKey.of(e.getValue()).equals(e.getKey())) {
          throw new IllegalArgumentException("envelope topic " + e.getValue() + " is not the event's " + e.getKey());
        }
        TopicRow row = rows.get(e.getKey());
        if (row == null) {
          ins.setBytes(1, e.getKey().bytes());
          ins.setString(2, e.getValue());
          rows.put(e.getKey(), new TopicRow(Sql.single(ins), null, true));
        } else if (e.getValue() != null && !named.get(e.getKey())) {
          fill.setString(1, e.getValue());
          fill.setLong(2, row.id());
          fill.executeUpdate();
        }
      }
    }
    return rows;
  }

  /** Inside the writer's transaction: the row ids of these origins, creating missing ones. */
  Map<OriginKey, Long> originsForWrite(Connection w, Collection<OriginKey> origins, SqlDialect dialect)
      throws SQLException {
    Map<OriginKey, Long> out = new HashMap<>();
    List<OriginKey> missing = new ArrayList<>();
    for (OriginKey o : origins) {
      Long id = originIds.get(o);
      if (id != null) {
        out.put(o, id);
      } else {
        missing.add(o);
      }
    }
    try (PreparedStatement ins = w.prepareStatement(dialect.insertIgnore("origins", "origin_key"));
        PreparedStatement sel = w.prepareStatement("SELECT id FROM origins WHERE origin_key = ?")) {
      for (OriginKey o : missing) {
        ins.setBytes(1, o.bytes());
        ins.executeUpdate();
        sel.setBytes(1, o.bytes());
        out.put(o, Sql.single(sel));
      }
    }
    return out;
  }

  /** After a commit: the rows it created or used are real now. */
  void remember(Map<TopicKey, TopicRow> topics, Map<OriginKey, Long> origins) {
    topics.forEach((k, row) -> topicIds.put(k, row.id()));
    originIds.putAll(origins);
  }
}
