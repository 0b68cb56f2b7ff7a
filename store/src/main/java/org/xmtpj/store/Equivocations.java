package org.xmtpj.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xmtpj.dag.OriginKey;

/**
 * Detects a second event at an (origin, sequence) that already has one, stored or earlier in the batch. Both
 * stay stored (both are valid DAG members); the pair is kept as proof against the origin. Runs inside the
 * writer's transaction before the batch's events are inserted.
 */
final class Equivocations {
  private Equivocations() {}

  private record Slot(OriginKey origin, long seq) {}

  static List<Evidence> record(Connection w, List<FreshEvent> fresh, Map<OriginKey, Long> originIds)
      throws SQLException {
    Map<Slot, Long> storedRows = storedRows(w, fresh, originIds);
    Map<Slot, byte[]> firstInBatch = new HashMap<>();
    List<Evidence> found = new ArrayList<>();
    for (FreshEvent f : fresh) {
      Slot slot = new Slot(f.origin(), f.originSeq());
      Long row = storedRows.get(slot);
      byte[] first = row != null ? rawOf(w, row) : firstInBatch.get(slot);
      if (first != null) {
        found.add(new Evidence(f.origin(), f.originSeq(), first, f.raw()));
      } else {
        firstInBatch.put(slot, f.raw());
      }
    }
    if (!found.isEmpty()) {
      insert(w, found, originIds);
    }
    return found;
  }

  /** The earliest stored row at each of the batch's slots that is taken already. */
  private static Map<Slot, Long> storedRows(Connection w, List<FreshEvent> fresh, Map<OriginKey, Long> originIds)
      throws SQLException {
    Map<OriginKey, Set<Long>> seqs = new HashMap<>();
    fresh.forEach(f -> seqs.computeIfAbsent(f.origin(), o -> new LinkedHashSet<>()).add(f.originSeq()));
    Map<Slot, Long> out = new HashMap<>();
    for (Map.Entry<OriginKey, Set<Long>> e : seqs.entrySet()) {
      for (List<Long> chunk : Sql.chunks(List.copyOf(e.getValue()))) {
        try (PreparedStatement ps = w.prepareStatement("SELECT origin_seq, MIN(row_no) FROM events WHERE origin = ?"
            + " AND origin_seq IN (" + Sql.placeholders(chunk.size()) + ") GROUP BY origin_seq")) {
          ps.setLong(1, originIds.get(e.getKey()));
          Sql.bindLongs(ps, 2, chunk);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.put(new Slot(e.getKey(), rs.getLong(1)), rs.getLong(2));
            }
          }
        }
      }
    }
    return out;
  }

  private static byte[] rawOf(Connection w, long row) throws SQLException {
    try (PreparedStatement ps = w.prepareStatement("SELECT raw FROM events WHERE row_no = ?")) {
      ps.setLong(1, row);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("row " + row + " vanished");
        }
        return rs.getBytes(1);
      }
    }
  }

  private static void insert(Connection w, List<Evidence> found, Map<OriginKey, Long> originIds)
      throws SQLException {
    try (PreparedStatement ps = w.prepareStatement(
        "INSERT INTO evidence (origin, origin_seq, first_raw, second_raw) VALUES (?, ?, ?, ?)")) {
      for (Evidence e : found) {
        ps.setLong(1, originIds.get(e.origin()));
        ps.setLong(2, e.originSeq());
        ps.setBytes(3, e.first());
        ps.setBytes(4, e.second());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }
}
