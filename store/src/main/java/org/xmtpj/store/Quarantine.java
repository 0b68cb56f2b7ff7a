package org.xmtpj.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;

/**
 * Damaged rows out of the store: a reader that meets a row failing {@link IntegrityCheck} reports it and skips
 * it; {@link #flush} then moves it, in one writer transaction, from {@code events} to {@code quarantine}. The
 * event thereby counts as missing: {@code existingIds} no longer has it, its origin's contiguous prefix (and floor)
 * stops before its sequence, so replication fetches it again (by id, and by vector), and storing it again
 * ({@link #healed}) ends its quarantine. Heads and links stay: the event is still the head or the parent it was,
 * so the topic's heads hash, the fingerprint and a re-inserted event's place in the DAG do not change.
 *
 * <p>Readers may run on any thread, so {@link #flush} takes the store's writer lock.
 */
final class Quarantine {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Quarantine.class);
  private static final String ROW = "SELECT e.id, e.raw, e.topic, e.origin, o.origin_key, e.origin_seq FROM events e"
      + " LEFT JOIN origins o ON o.id = e.origin WHERE e.row_no = ?";

  private static final int MAX_REREADS = 8;

  private final Connection writer;
  private final Lock writeLock;
  private final StoreCounters counters;
  private final VectorTracker vector;
  private final LongSupplier clock;
  private final Map<Long, String> reported = new ConcurrentHashMap<>();
  /** Quarantined ids not stored again yet: written under the writer lock, read by any thread. */
  private volatile Set<EventId> waiting = Set.of();

  Quarantine(Connection writer, Lock writeLock, StoreCounters counters, VectorTracker vector, LongSupplier clock) {
    this.writer = writer;
    this.writeLock = writeLock;
    this.counters = counters;
    this.vector = vector;
    this.clock = clock;
  }

  void load(Connection w) throws SQLException {
    Set<EventId> ids = new LinkedHashSet<>();
    try (PreparedStatement ps = w.prepareStatement("SELECT id FROM quarantine ORDER BY quarantined_at");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        ids.add(new EventId(rs.getBytes(1)));
      }
    }
    w.commit();
    waiting = Set.copyOf(ids);
  }

  /** A reader found row {@code row} damaged (any thread): it is skipped now and moved out at the next flush. */
  void report(long row, String why) {
    reported.putIfAbsent(row, why);
  }

  /**
   * Runs a read; if it met damaged rows and they could be moved out, runs it again, so that a page left short by
   * skipped rows fills with intact ones (and a page of damaged rows only does not look like the end). Bounded:
   * after {@link #MAX_REREADS} the short page is answered (damaged rows still never are).
   */
  <T> T reading(Supplier<T> read) {
    T out = read.get();
    for (int i = 0; i < MAX_REREADS && flush(); i++) {
      out = read.get();
    }
    return out;
  }

  /** Quarantined events not stored again yet, at most {@code limit}. */
  List<EventId> waiting(int limit) {
    return waiting.stream().limit(limit).toList();
  }

  private record Damaged(long row, byte[] id, byte[] raw, long topic, OriginKey origin, long originId, long seq,
      String why) {}

  /**
   * Moves the reported rows out, durably; returns whether any moved (a read that skipped them may then run again
   * and find a full page). A failure leaves them reported, and readers keep skipping them.
   */
  boolean flush() {
    if (reported.isEmpty()) {
      return false;
    }
    writeLock.lock();
    try {
      Map<Long, String> batch = new HashMap<>(reported);
      List<Damaged> rows = confirm(batch);
      Map<OriginKey, OriginProgress> lowered = rows.isEmpty() ? Map.of() : move(rows);
      writer.commit();
      batch.keySet().forEach(reported::remove);
      publish(rows, lowered);
      return !rows.isEmpty();
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(e);
      LOG.error("could not quarantine {} damaged rows (they are skipped by every read meanwhile)", reported.size(),
          e);
      return false;
    } finally {
      writeLock.unlock();
    }
  }

  /** The reported rows that are still there and still damaged (another reader may have moved one already). */
  private List<Damaged> confirm(Map<Long, String> batch) throws SQLException {
    List<Damaged> out = new ArrayList<>();
    try (PreparedStatement ps = writer.prepareStatement(ROW)) {
      for (Map.Entry<Long, String> e : batch.entrySet()) {
        ps.setLong(1, e.getKey());
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next() && stillDamaged(rs.getBytes(1), rs.getBytes(2), e.getValue())) {
            byte[] key = rs.getBytes(5);
            out.add(new Damaged(e.getKey(), rs.getBytes(1), rs.getBytes(2), rs.getLong(3),
                key == null ? null : new OriginKey(key), rs.getLong(4), rs.getLong(6), e.getValue()));
          }
        }
      }
    }
    return out;
  }

  private static boolean stillDamaged(byte[] id, byte[] raw, String why) {
    return !IntegrityCheck.check(id, raw).intact()
        || why.startsWith(IntegrityCheck.PROOF_DAMAGE) && !IntegrityCheck.proofVerifies(raw);
  }

  /** Returns the origins whose progress fell. */
  private Map<OriginKey, OriginProgress> move(List<Damaged> rows) throws SQLException {
    try (PreparedStatement keep = writer.prepareStatement("INSERT INTO quarantine (id, origin_key, origin_seq,"
            + " reason, quarantined_at, raw) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING");
        PreparedStatement delete = writer.prepareStatement("DELETE FROM events WHERE row_no = ?");
        PreparedStatement count = writer.prepareStatement(
            "UPDATE topics SET event_count = event_count - 1 WHERE id = ?")) {
      long now = clock.getAsLong();
      for (Damaged d : rows) {
        keep.setBytes(1, d.id());
        keep.setBytes(2, d.origin() == null ? null : d.origin().bytes());
        keep.setLong(3, d.seq());
        keep.setString(4, d.why());
        keep.setLong(5, now);
        keep.setBytes(6, d.raw());
        keep.addBatch();
        delete.setLong(1, d.row());
        delete.addBatch();
        count.setLong(1, d.topic());
        count.addBatch();
      }
      keep.executeBatch();
      delete.executeBatch();
      count.executeBatch();
    }
    StoreCounters.add(writer, -rows.size(), -bytes(rows));
    Map<OriginKey, Damaged> lowest = new HashMap<>();
    rows.stream().filter(d -> d.origin() != null)
        .forEach(d -> lowest.merge(d.origin(), d, (a, b) -> a.seq() <= b.seq() ? a : b));
    Map<OriginKey, OriginProgress> lowered = new HashMap<>();
    for (Damaged d : lowest.values()) {
      OriginProgress after = vector.lower(writer, d.originId(), d.origin(), d.seq());
      if (after != null) {
        lowered.put(d.origin(), after);
      }
    }
    return lowered;
  }

  private void publish(List<Damaged> rows, Map<OriginKey, OriginProgress> lowered) {
    if (rows.isEmpty()) {
      return;
    }
    counters.committed(counters.lastRow(), counters.lastLocalSeq(), -rows.size(), -bytes(rows), 0);
    vector.publishLowered(lowered);
    Set<EventId> next = new LinkedHashSet<>(waiting);
    rows.forEach(d -> next.add(new EventId(d.id())));
    waiting = Set.copyOf(next);
    for (Damaged d : rows) {
      LOG.warn("quarantined stored event {} (origin {} seq {}): {}; fetching it again from peers",
          new EventId(d.id()).hex(), d.origin() == null ? "?" : d.origin().hex(), d.seq(), d.why());
    }
  }

  /**
   * Inside an append's transaction: the fresh events that were quarantined leave the quarantine. Returns them, for
   * {@link #publishHealed} after the commit; costs nothing while nothing is quarantined.
   */
  Set<EventId> healed(Connection w, Collection<EventId> fresh) throws SQLException {
    Set<EventId> current = waiting;
    if (current.isEmpty()) {
      return Set.of();
    }
    Set<EventId> out = new HashSet<>();
    try (PreparedStatement ps = w.prepareStatement("DELETE FROM quarantine WHERE id = ?")) {
      for (EventId id : fresh) {
        if (current.contains(id)) {
          ps.setBytes(1, id.bytes());
          ps.addBatch();
          out.add(id);
        }
      }
      if (!out.isEmpty()) {
        ps.executeBatch();
      }
    }
    return out;
  }

  void publishHealed(Set<EventId> healed) {
    if (healed.isEmpty()) {
      return;
    }
    Set<EventId> next = new LinkedHashSet<>(waiting);
    next.removeAll(healed);
    waiting = Set.copyOf(next);
    LOG.info("{} quarantined events stored again from peers; {} still waiting", healed.size(), next.size());
  }

  private static long bytes(List<Damaged> rows) {
    return rows.stream().mapToLong(d -> d.raw() == null ? 0 : d.raw().length).sum();
  }

  private void rollbackQuietly(Exception cause) {
    try {
      writer.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }
}
