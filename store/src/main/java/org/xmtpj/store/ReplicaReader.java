package org.xmtpj.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.TopicKey;

/** Replication reads: events by id, per-origin and per-topic ranges, topic summaries, heads and evidence. */
final class ReplicaReader {
  /**
   * A bounded page with its running size: the inner query bounds the count, the window sums sizes in page order,
   * and the outer filter keeps the prefix within the byte bound, or the first event alone if it is larger. So the
   * database never ships more than the answer, and both engines run the same statement.
   */
  private static final String SIZED_PAGE = "SELECT k1, raw, rn, eid FROM (SELECT k1, k2, rn, eid, raw,"
      + " length(raw) AS len,"
      + " SUM(length(raw)) OVER (ORDER BY k1, k2 ROWS UNBOUNDED PRECEDING) AS upto FROM (%s) page) sized"
      + " WHERE upto <= ? OR upto = len ORDER BY k1, k2";
  private static final String SUMMARY = "SELECT topic_key, name, event_count, heads_hash FROM topics";

  private final DataSource readers;
  private final Registry registry;
  private final Quarantine quarantine;

  ReplicaReader(DataSource readers, Registry registry, Quarantine quarantine) {
    this.readers = readers;
    this.registry = registry;
    this.quarantine = quarantine;
  }

  /** Whether the row's bytes are what was stored; a damaged row is reported for quarantine and must be skipped. */
  private boolean intact(long row, byte[] id, byte[] raw) {
    IntegrityCheck.Result r = IntegrityCheck.check(id, raw);
    if (!r.intact()) {
      quarantine.report(row, r.damage());
    }
    return r.intact();
  }

  /**
   * The batch proof after the body is not covered by the id, so the id check passes a row whose proof rotted;
   * peers would then refuse the event from us (they verify every signature). The scrub checks the proof and
   * signature too, and quarantines such a row, which a peer's intact copy then replaces.
   */
  private void proofIntact(org.xmtpj.dag.CachingVerifier proofs, long row, byte[] raw) {
    try {
      proofs.verify(raw);
    } catch (org.xmtpj.dag.MalformedEventException e) {
      quarantine.report(row, IntegrityCheck.PROOF_DAMAGE + e.getMessage());
    }
  }

  List<EventId> headIds(TopicKey topic) {
    return heads(topic).stream().map(Head::id).toList();
  }

  List<Head> heads(TopicKey topic) {
    Long id = registry.topicId(topic);
    if (id == null) {
      return List.of();
    }
    try (Connection c = readers.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT h.id, e.hidden_until FROM heads h"
            + " JOIN events e ON e.id = h.id WHERE h.topic = ?")) {
      ps.setLong(1, id);
      List<Head> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Head(new EventId(rs.getBytes(1)), Sql.longOrZero(rs, 2)));
        }
      }
      out.sort((a, b) -> a.id().compareTo(b.id()));
      return out;
    } catch (SQLException e) {
      throw StoreException.of("reading heads", e);
    }
  }

  Optional<byte[]> event(EventId id) {
    List<byte[]> found = events(List.of(id));
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  List<byte[]> events(Collection<EventId> ids) {
    List<byte[]> out = new ArrayList<>();
    byIds(ids, "SELECT row_no, id, raw FROM events WHERE id IN (%s)", rs -> {
      if (intact(rs.getLong(1), rs.getBytes(2), rs.getBytes(3))) {
        out.add(rs.getBytes(3));
      }
    }, "reading events");
    return out;
  }

  /**
   * Checks the rows after {@code afterRow} (at most {@code maxRows}) against their ids, reporting damaged ones;
   * returns the last row examined, or -1 if there was none.
   */
  long verify(long afterRow, int maxRows) {
    long last = -1;
    try (Connection c = readers.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT row_no, id, raw FROM events WHERE row_no > ? ORDER BY row_no LIMIT ?")) {
      ps.setLong(1, afterRow);
      ps.setInt(2, maxRows);
      // rows come in insertion order, so the events of one batch are adjacent and share one signature check
      org.xmtpj.dag.CachingVerifier proofs = new org.xmtpj.dag.CachingVerifier(64);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          last = rs.getLong(1);
          byte[] raw = rs.getBytes(3);
          if (intact(last, rs.getBytes(2), raw)) {
            proofIntact(proofs, last, raw);
          }
        }
      }
      return last;
    } catch (SQLException e) {
      throw StoreException.of("verifying rows after " + afterRow, e);
    }
  }

  Set<EventId> existingIds(Collection<EventId> ids) {
    Set<EventId> out = new HashSet<>();
    byIds(ids, "SELECT id FROM events WHERE id IN (%s)", rs -> out.add(new EventId(rs.getBytes(1))),
        "checking ids");
    return out;
  }

  Map<EventId, TopicKey> topicsOf(Collection<EventId> ids) {
    Map<EventId, TopicKey> out = new HashMap<>();
    byIds(ids, "SELECT e.id, t.topic_key FROM events e JOIN topics t ON t.id = e.topic WHERE e.id IN (%s)",
        rs -> out.put(new EventId(rs.getBytes(1)), new TopicKey(rs.getBytes(2))), "reading topics of events");
    return out;
  }

  private interface RowSink {
    void accept(ResultSet rs) throws SQLException;
  }

  private void byIds(Collection<EventId> ids, String sql, RowSink sink, String what) {
    List<byte[]> all = ids.stream().distinct().map(EventId::bytes).toList();
    try (Connection c = readers.getConnection()) {
      for (List<byte[]> chunk : Sql.chunks(all)) {
        try (PreparedStatement ps = c.prepareStatement(sql.formatted(Sql.placeholders(chunk.size())))) {
          Sql.bindBytes(ps, 1, chunk);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              sink.accept(rs);
            }
          }
        }
      }
    } catch (SQLException e) {
      throw StoreException.of(what, e);
    }
  }

  List<byte[]> originRange(OriginKey origin, long fromSeq, int maxEvents, long maxBytes) {
    Long id = registry.originId(origin);
    if (id == null || maxEvents < 1) {
      return List.of();
    }
    String page = "SELECT origin_seq AS k1, id AS k2, row_no AS rn, id AS eid, raw FROM events"
        + " WHERE origin = ? AND origin_seq >= ? ORDER BY origin_seq, id LIMIT ?";
    List<byte[]> out = new ArrayList<>();
    sizedPage(page, new long[] {id, fromSeq, maxEvents}, maxBytes, rs -> out.add(rs.getBytes(2)), "origin range");
    return out;
  }

  List<RowEvent> topicRange(TopicKey topic, long afterRow, int maxEvents, long maxBytes) {
    Long id = registry.topicId(topic);
    if (id == null || maxEvents < 1) {
      return List.of();
    }
    String page = "SELECT row_no AS k1, 0 AS k2, row_no AS rn, id AS eid, raw FROM events"
        + " WHERE topic = ? AND row_no > ? ORDER BY row_no LIMIT ?";
    List<RowEvent> out = new ArrayList<>();
    sizedPage(page, new long[] {id, afterRow, maxEvents}, maxBytes,
        rs -> out.add(new RowEvent(rs.getLong(1), rs.getBytes(2))), "topic range");
    return out;
  }

  private void sizedPage(String page, long[] params, long maxBytes, RowSink sink, String what) {
    try (Connection c = readers.getConnection();
        PreparedStatement ps = c.prepareStatement(SIZED_PAGE.formatted(page))) {
      for (int i = 0; i < params.length; i++) {
        ps.setLong(i + 1, params[i]);
      }
      ps.setLong(params.length + 1, maxBytes);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (intact(rs.getLong(3), rs.getBytes(4), rs.getBytes(2))) {
            sink.accept(rs);
          }
        }
      }
    } catch (SQLException e) {
      throw StoreException.of("reading " + what, e);
    }
  }

  List<TopicSummary> topics(TopicKey after, int limit) {
    if (limit < 1) {
      return List.of();
    }
    if (after == null) {
      return summaries(SUMMARY + " ORDER BY topic_key LIMIT ?", List.of(), limit);
    }
    return summaries(SUMMARY + " WHERE topic_key > ? ORDER BY topic_key LIMIT ?", List.of(after.bytes()), limit);
  }

  /** A key-range scan of the topic key index: keys from b‖00…00 to b‖ff…ff. */
  List<TopicSummary> topicsInBucket(int bucket) {
    if (bucket < 0 || bucket >= FingerprintTracker.BUCKETS) {
      throw new IllegalArgumentException("bucket must be 0..255, was " + bucket);
    }
    byte[] low = new byte[32];
    byte[] high = new byte[32];
    java.util.Arrays.fill(high, (byte) 0xff);
    low[0] = (byte) bucket;
    high[0] = (byte) bucket;
    return summaries(SUMMARY + " WHERE topic_key >= ? AND topic_key <= ? ORDER BY topic_key", List.of(low, high),
        0);
  }

  private List<TopicSummary> summaries(String sql, List<byte[]> keys, int limit) {
    try (Connection c = readers.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      int next = Sql.bindBytes(ps, 1, keys);
      if (limit > 0) {
        ps.setInt(next, limit);
      }
      List<TopicSummary> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new TopicSummary(new TopicKey(rs.getBytes(1)), rs.getString(2), rs.getLong(3), rs.getBytes(4)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw StoreException.of("listing topics", e);
    }
  }

  List<Evidence> evidence(int limit) {
    try (Connection c = readers.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT o.origin_key, v.origin_seq, v.first_raw, v.second_raw"
            + " FROM evidence v JOIN origins o ON o.id = v.origin ORDER BY v.id LIMIT ?")) {
      ps.setInt(1, limit);
      List<Evidence> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Evidence(new OriginKey(rs.getBytes(1)), rs.getLong(2), rs.getBytes(3), rs.getBytes(4)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw StoreException.of("reading evidence", e);
    }
  }
}
