package org.xmtpj.store;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xmtpj.crypto.Sha256;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.TopicKey;

/**
 * Topic heads hashes and the 256 reconciliation buckets built from them. The buckets live in memory (8 KiB),
 * are computed from {@code topics.heads_hash} at open and follow each commit by XOR-ing out a topic's old hash
 * and in its new one.
 */
final class FingerprintTracker {
  static final int BUCKETS = 256;
  private static final byte[] DOMAIN = "xmtpj/heads/v1\0".getBytes(StandardCharsets.US_ASCII);
  private volatile byte[][] buckets = new byte[BUCKETS][32];

  /** A topic's heads hash changed in a committed append; {@code before} is null for a new topic. */
  record Change(TopicKey topic, byte[] before, byte[] after) {}

  /** SHA-256("xmtpj/heads/v1\0" ‖ topic key ‖ head ids ascending). */
  static byte[] headsHash(TopicKey topic, List<EventId> heads) {
    List<EventId> sorted = heads.stream().sorted().toList();
    byte[][] parts = new byte[sorted.size() + 2][];
    parts[0] = DOMAIN;
    parts[1] = topic.bytes();
    for (int i = 0; i < sorted.size(); i++) {
      parts[i + 2] = sorted.get(i).bytes();
    }
    return Sha256.hash(parts);
  }

  /** The current heads of these topics (row ids), inside the caller's transaction. */
  static Map<Long, List<EventId>> headsOf(Connection c, Collection<Long> topics) throws SQLException {
    Map<Long, List<EventId>> out = new HashMap<>();
    for (List<Long> chunk : Sql.chunks(List.copyOf(topics))) {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT topic, id FROM heads WHERE topic IN (" + Sql.placeholders(chunk.size()) + ")")) {
        Sql.bindLongs(ps, 1, chunk);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.computeIfAbsent(rs.getLong(1), t -> new ArrayList<>()).add(new EventId(rs.getBytes(2)));
          }
        }
      }
    }
    return out;
  }

  byte[][] buckets() {
    byte[][] current = buckets;
    byte[][] copy = new byte[BUCKETS][];
    for (int i = 0; i < BUCKETS; i++) {
      copy[i] = current[i].clone();
    }
    return copy;
  }

  /**
   * At open, on the writer connection: computes the heads hashes a V1 database lacks (SQL cannot hash portably;
   * SQLite has no SHA-256), commits them, then folds every topic's hash into its bucket.
   */
  void load(Connection w) throws SQLException {
    Map<Long, TopicKey> missing = new HashMap<>();
    try (PreparedStatement ps = w.prepareStatement("SELECT id, topic_key FROM topics WHERE heads_hash IS NULL");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        missing.put(rs.getLong(1), new TopicKey(rs.getBytes(2)));
      }
    }
    if (!missing.isEmpty()) {
      Map<Long, List<EventId>> heads = headsOf(w, missing.keySet());
      try (PreparedStatement ps = w.prepareStatement("UPDATE topics SET heads_hash = ? WHERE id = ?")) {
        for (Map.Entry<Long, TopicKey> e : missing.entrySet()) {
          ps.setBytes(1, headsHash(e.getValue(), heads.getOrDefault(e.getKey(), List.of())));
          ps.setLong(2, e.getKey());
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
    w.commit();
    byte[][] loaded = new byte[BUCKETS][32];
    try (PreparedStatement ps = w.prepareStatement("SELECT topic_key, heads_hash FROM topics");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        xorInto(loaded[rs.getBytes(1)[0] & 0xff], rs.getBytes(2));
      }
    }
    w.commit();
    buckets = loaded;
  }

  void publish(List<Change> changes) {
    if (changes.isEmpty()) {
      return;
    }
    byte[][] next = buckets();
    for (Change c : changes) {
      byte[] bucket = next[c.topic().bucket()];
      if (c.before() != null) {
        xorInto(bucket, c.before());
      }
      xorInto(bucket, c.after());
    }
    buckets = next;
  }

  private static void xorInto(byte[] into, byte[] hash) {
    for (int i = 0; i < into.length; i++) {
      into[i] ^= hash[i];
    }
  }
}
