package org.xmtpj.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xmtpj.dag.OriginKey;

/**
 * The node's vector: per origin, the contiguous prefix of sequences stored and the highest one. The writer keeps
 * it in {@code origin_progress} (same transaction as the events) and publishes an immutable copy after each
 * commit, so {@link #vector()} never touches the database.
 *
 * <p>Contiguity only moves when a batch stores {@code contiguous + 1}; it then walks the stored sequences above
 * it in the (origin, origin_seq) index until the first gap, so the work is proportional to the advance. An
 * equivocating second event at a counted sequence changes nothing (the walk reads distinct sequences).
 *
 * <p>Retention adds a floor per origin: every sequence ≤ floor is stored or was pruned (here, or at a peer that
 * declared it). Pruning only removes sequences ≤ contiguous, so contiguous ≥ floor always and a walk never needs
 * to step over pruned sequences; raising the floor (gaps a peer declared pruned) restarts the walk above it.
 */
final class VectorTracker {
  private static final int WALK_PAGE = 1_000;
  private volatile Map<OriginKey, OriginProgress> snapshot = Map.of();
  private volatile Map<OriginKey, Long> floors = Map.of();

  Map<OriginKey, OriginProgress> vector() {
    return snapshot;
  }

  OriginProgress of(OriginKey origin) {
    return snapshot.getOrDefault(origin, new OriginProgress(0, 0));
  }

  long floor(OriginKey origin) {
    return floors.getOrDefault(origin, 0L);
  }

  /**
   * At open, on the writer connection: computes the rows a V1 database lacks (SQL alone cannot walk for the
   * contiguous prefix portably), commits them, then loads the vector.
   */
  void load(Connection w) throws SQLException {
    try (PreparedStatement missing = w.prepareStatement("SELECT o.id FROM origins o WHERE NOT EXISTS"
            + " (SELECT 1 FROM origin_progress p WHERE p.origin = o.id)");
        PreparedStatement max = w.prepareStatement("SELECT MAX(origin_seq) FROM events WHERE origin = ?")) {
      List<Long> ids = new ArrayList<>();
      try (ResultSet rs = missing.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getLong(1));
        }
      }
      for (long id : ids) {
        max.setLong(1, id);
        upsert(w, id, new OriginProgress(walk(w, id, 0), Sql.single(max)));
      }
      w.commit();
    }
    Map<OriginKey, OriginProgress> loaded = new HashMap<>();
    Map<OriginKey, Long> loadedFloors = new HashMap<>();
    try (PreparedStatement ps = w.prepareStatement("SELECT o.origin_key, p.contiguous, p.max_seen, p.floor"
            + " FROM origin_progress p JOIN origins o ON o.id = p.origin WHERE p.max_seen > 0");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        loaded.put(new OriginKey(rs.getBytes(1)), new OriginProgress(rs.getLong(2), rs.getLong(3)));
        if (rs.getLong(4) > 0) {
          loadedFloors.put(new OriginKey(rs.getBytes(1)), rs.getLong(4));
        }
      }
    }
    w.commit();
    snapshot = Map.copyOf(loaded);
    floors = Map.copyOf(loadedFloors);
  }

  /**
   * Inside the writer's transaction: every sequence ≤ {@code floor} that is not stored here is gone for good.
   * Returns the origin's new progress (contiguous walks on from the floor), or null if the floor does not rise.
   */
  OriginProgress raise(Connection w, long origin, OriginKey key, long floor) throws SQLException {
    if (floor <= floor(key)) {
      return null;
    }
    OriginProgress before = of(key);
    long contiguous = walk(w, origin, Math.max(before.contiguous(), floor));
    OriginProgress after = new OriginProgress(contiguous, Math.max(before.maxSeen(), contiguous));
    upsert(w, origin, after);
    recordFloors(w, Map.of(origin, floor));
    return after;
  }

  /**
   * Inside the writer's transaction: sequence {@code seq} of this origin is no longer stored (quarantined), so the
   * contiguous prefix, and the floor, which never exceeds it, stop before it. Returns the new progress, or null if
   * the sequence was above the prefix anyway. The walk moves on again once the sequence is stored.
   */
  OriginProgress lower(Connection w, long origin, OriginKey key, long seq) throws SQLException {
    OriginProgress before = of(key);
    if (seq > before.contiguous()) {
      return null;
    }
    OriginProgress after = new OriginProgress(seq - 1, before.maxSeen());
    upsert(w, origin, after);
    try (PreparedStatement ps = w.prepareStatement(
        "UPDATE origin_progress SET floor = ? WHERE origin = ? AND floor > ?")) {
      ps.setLong(1, seq - 1);
      ps.setLong(2, origin);
      ps.setLong(3, seq - 1);
      ps.executeUpdate();
    }
    return after;
  }

  /** After the commit of {@link #lower}: the lowered progress, and floors capped at the new contiguous. */
  void publishLowered(Map<OriginKey, OriginProgress> lowered) {
    if (lowered.isEmpty()) {
      return;
    }
    publish(lowered);
    Map<OriginKey, Long> next = new HashMap<>(floors);
    lowered.forEach((k, p) -> next.computeIfPresent(k, (key, f) -> Math.min(f, p.contiguous())));
    next.values().removeIf(f -> f == 0);
    floors = Map.copyOf(next);
  }

  /** Inside the writer's transaction: raises the floors of these origins (row id → floor) where they are lower. */
  static void recordFloors(Connection w, Map<Long, Long> raised) throws SQLException {
    try (PreparedStatement ps = w.prepareStatement(
        "UPDATE origin_progress SET floor = ? WHERE origin = ? AND floor < ?")) {
      for (Map.Entry<Long, Long> e : raised.entrySet()) {
        ps.setLong(1, e.getValue());
        ps.setLong(2, e.getKey());
        ps.setLong(3, e.getValue());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** After the commit: the raised floors (a floor never falls). */
  void publishFloors(Map<OriginKey, Long> raised) {
    if (!raised.isEmpty()) {
      Map<OriginKey, Long> next = new HashMap<>(floors);
      raised.forEach((k, v) -> next.merge(k, v, Math::max));
      floors = Map.copyOf(next);
    }
  }

  /**
   * Inside the writer's transaction, after the batch's events are inserted: the new progress of every origin
   * the batch touched (written to {@code origin_progress}; published by {@link #publish} after the commit).
   */
  Map<OriginKey, OriginProgress> advance(Connection w, Map<OriginKey, Long> originIds,
      Map<OriginKey, Set<Long>> seqs) throws SQLException {
    Map<OriginKey, OriginProgress> changed = new HashMap<>();
    for (Map.Entry<OriginKey, Set<Long>> e : seqs.entrySet()) {
      OriginProgress before = of(e.getKey());
      long id = originIds.get(e.getKey());
      long maxSeen = Math.max(before.maxSeen(), e.getValue().stream().mapToLong(Long::longValue).max().orElse(0));
      long contiguous = e.getValue().contains(before.contiguous() + 1)
          ? walk(w, id, before.contiguous())
          : before.contiguous();
      OriginProgress after = new OriginProgress(contiguous, maxSeen);
      if (!after.equals(before)) {
        upsert(w, id, after);
        changed.put(e.getKey(), after);
      }
    }
    return changed;
  }

  void publish(Map<OriginKey, OriginProgress> changed) {
    if (!changed.isEmpty()) {
      Map<OriginKey, OriginProgress> next = new HashMap<>(snapshot);
      next.putAll(changed);
      snapshot = Map.copyOf(next);
    }
  }

  /** The end of the run of consecutive stored sequences that starts right after {@code from}. */
  private static long walk(Connection c, long origin, long from) throws SQLException {
    long last = from;
    try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT origin_seq FROM events"
        + " WHERE origin = ? AND origin_seq > ? ORDER BY origin_seq LIMIT " + WALK_PAGE)) {
      while (true) {
        ps.setLong(1, origin);
        ps.setLong(2, last);
        int n = 0;
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            n++;
            if (rs.getLong(1) != last + 1) {
              return last;
            }
            last = rs.getLong(1);
          }
        }
        if (n < WALK_PAGE) {
          return last;
        }
      }
    }
  }

  private static void upsert(Connection w, long origin, OriginProgress p) throws SQLException {
    try (PreparedStatement ps = w.prepareStatement("INSERT INTO origin_progress (origin, contiguous, max_seen)"
        + " VALUES (?, ?, ?) ON CONFLICT (origin) DO UPDATE"
        + " SET contiguous = excluded.contiguous, max_seen = excluded.max_seen")) {
      ps.setLong(1, origin);
      ps.setLong(2, p.contiguous());
      ps.setLong(3, p.maxSeen());
      ps.executeUpdate();
    }
  }
}
