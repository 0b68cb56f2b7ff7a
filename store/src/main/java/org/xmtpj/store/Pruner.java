package org.xmtpj.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.store.VisibilityPlan.Candidate;

/**
 * {@link EventStore#prune}: deletes events created before the horizon, in bounded passes, one transaction each.
 *
 * <p>An event is kept if it is a head (new events must be able to link to the topic, so it stays rooted), if a
 * stored event created at or after the horizon names it as a parent (a receiver of that child must be able to
 * fetch it), or if its sequence is above its origin's contiguous prefix (so the floor, the largest pruned
 * sequence, never passes a gap). Passes walk the {@code (created_at, row_no)} index from where the last one
 * stopped, examining at most {@code maxEvents} rows whether kept or not: the work per pass is bounded even when
 * most old events are kept heads. When a pass reaches the horizon the next one starts over from the oldest.
 */
final class Pruner {
  private static final String SCAN = "SELECT e.row_no, e.created_at, e.id, e.topic, o.origin_key, e.origin,"
      + " e.origin_seq, e.local_seq, e.digest, length(e.raw),"
      + " EXISTS (SELECT 1 FROM heads h WHERE h.topic = e.topic AND h.id = e.id),"
      + " EXISTS (SELECT 1 FROM links l WHERE l.parent = e.id AND l.child_ms >= ?)"
      + " FROM events e JOIN origins o ON o.id = e.origin"
      + " WHERE e.created_at < ? AND (e.created_at, e.row_no) > (?, ?) ORDER BY e.created_at, e.row_no LIMIT ?";

  private final Connection writer;
  private final StoreCounters counters;
  private final VectorTracker vector;
  private final Quarantine quarantine;
  // the scan's resume point; writer thread only, not durable (a restart starts over from the oldest)
  private long afterCreated = Long.MIN_VALUE;
  private long afterRow = Long.MIN_VALUE;

  Pruner(Connection writer, StoreCounters counters, VectorTracker vector, Quarantine quarantine) {
    this.writer = writer;
    this.quarantine = quarantine;
    this.counters = counters;
    this.vector = vector;
  }

  private record Row(long row, long createdAt, byte[] id, long topic, OriginKey origin, long originId, long seq,
      boolean visible, byte[] digest, long bytes, boolean head, boolean linkedAbove) {}

  PruneResult prune(long horizonMs, int maxEvents) {
    try {
      List<Row> scanned = scan(horizonMs, Math.max(1, maxEvents));
      boolean more = scanned.size() >= maxEvents;
      if (more) {
        afterCreated = scanned.get(scanned.size() - 1).createdAt();
        afterRow = scanned.get(scanned.size() - 1).row();
      } else {
        afterCreated = Long.MIN_VALUE;
        afterRow = Long.MIN_VALUE;
      }
      List<Row> doomed = scanned.stream().filter(r -> !r.head() && !r.linkedAbove()
          && r.seq() <= vector.of(r.origin()).contiguous()).toList();
      if (doomed.isEmpty()) {
        writer.rollback();
        return new PruneResult(0, more, List.of());
      }
      delete(doomed);
      Map<Long, Long> floorsById = new HashMap<>();
      Map<OriginKey, Long> floors = new HashMap<>();
      doomed.forEach(r -> {
        floorsById.merge(r.originId(), r.seq(), Math::max);
        floors.merge(r.origin(), r.seq(), Math::max);
      });
      VectorTracker.recordFloors(writer, floorsById);
      long bytes = doomed.stream().mapToLong(Row::bytes).sum();
      StoreCounters.add(writer, -doomed.size(), -bytes);
      long local = counters.lastLocalSeq();
      List<StoredEnvelope> visible = promote(doomed, local);
      writer.commit();
      counters.committed(counters.lastRow(), local + visible.size(), -doomed.size(), -bytes, 0);
      vector.publishFloors(floors);
      return new PruneResult(doomed.size(), more, visible);
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(e);
      throw StoreException.of("pruning below " + horizonMs + " (nothing changed)", e);
    }
  }

  private List<Row> scan(long horizonMs, int maxEvents) throws SQLException {
    List<Row> out = new ArrayList<>();
    try (PreparedStatement ps = writer.prepareStatement(SCAN)) {
      ps.setLong(1, horizonMs);
      ps.setLong(2, horizonMs);
      ps.setLong(3, afterCreated);
      ps.setLong(4, afterRow);
      ps.setInt(5, maxEvents);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rs.getLong(8);
          boolean visible = !rs.wasNull();
          out.add(new Row(rs.getLong(1), rs.getLong(2), rs.getBytes(3), rs.getLong(4), new OriginKey(rs.getBytes(5)),
              rs.getLong(6), rs.getLong(7), visible, rs.getBytes(9), rs.getLong(10), rs.getBoolean(11),
              rs.getBoolean(12)));
        }
      }
    }
    return out;
  }

  /** The rows, their links (nothing can be inserted under them again: receivers skip pruned sequences) and counts. */
  private void delete(List<Row> doomed) throws SQLException {
    Map<Long, Long> perTopic = new HashMap<>();
    try (PreparedStatement events = writer.prepareStatement("DELETE FROM events WHERE row_no = ?");
        PreparedStatement links = writer.prepareStatement("DELETE FROM links WHERE parent = ?");
        PreparedStatement topics = writer.prepareStatement(
            "UPDATE topics SET event_count = event_count - ? WHERE id = ?")) {
      for (Row r : doomed) {
        events.setLong(1, r.row());
        events.addBatch();
        links.setBytes(1, r.id());
        links.addBatch();
        perTopic.merge(r.topic(), 1L, Long::sum);
      }
      for (Map.Entry<Long, Long> e : perTopic.entrySet()) {
        topics.setLong(1, e.getValue());
        topics.setLong(2, e.getKey());
        topics.addBatch();
      }
      events.executeBatch();
      links.executeBatch();
      topics.executeBatch();
    }
  }

  /**
   * A pruned representative leaves its digest to the smallest (timestamp, id) among the remaining unhidden
   * events with it, exactly as if the pruned one had never been stored: a node that never had it shows the same.
   */
  private List<StoredEnvelope> promote(List<Row> doomed, long lastLocal) throws SQLException {
    List<Digest> digests = doomed.stream().filter(r -> r.visible() && r.digest() != null)
        .map(r -> new Digest(r.digest())).distinct().toList();
    if (digests.isEmpty()) {
      return List.of();
    }
    VisibilityPlan plan = VisibilityPlan.load(writer, digests);
    for (List<Digest> chunk : Sql.chunks(digests)) {
      try (PreparedStatement ps = writer.prepareStatement("SELECT row_no, ts, id, digest, raw FROM events"
          + " WHERE digest IN (" + Sql.placeholders(chunk.size()) + ") AND local_seq IS NULL"
          + " AND hidden_until IS NULL ORDER BY row_no")) {
        Sql.bindBytes(ps, 1, chunk.stream().map(Digest::bytes).toList());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            IntegrityCheck.Result check = IntegrityCheck.check(rs.getBytes(3), rs.getBytes(5));
            if (!check.intact() || check.envelope() == null) {
              quarantine.report(rs.getLong(1), check.intact() ? "a digest without an envelope" : check.damage());
              continue; // never promoted; quarantined after this pass
            }
            plan.offer(new Candidate(rs.getLong(1), rs.getLong(2), rs.getBytes(3), new Digest(rs.getBytes(4)),
                check.envelope(), false));
          }
        }
      }
    }
    List<StoredEnvelope> out = new ArrayList<>();
    long local = lastLocal;
    try (PreparedStatement ps = writer.prepareStatement("UPDATE events SET local_seq = ? WHERE row_no = ?")) {
      for (Candidate c : plan.winners()) {
        ps.setLong(1, ++local);
        ps.setLong(2, c.row());
        ps.addBatch();
        out.add(new StoredEnvelope(local, c.envelope()));
      }
      ps.executeBatch();
    }
    return out;
  }

  private void rollbackQuietly(Exception cause) {
    try {
      writer.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }
}
