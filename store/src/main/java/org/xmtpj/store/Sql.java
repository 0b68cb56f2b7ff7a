package org.xmtpj.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Small JDBC helpers shared by the store's readers and writers. */
final class Sql {
  /**
   * Parameters per IN list. Far below both engines' limits (SQLite 32,766, PostgreSQL 65,535) and small enough
   * that the plan stays an index probe per value.
   */
  static final int CHUNK = 500;

  private Sql() {}

  static String placeholders(int n) {
    return String.join(", ", Collections.nCopies(n, "?"));
  }

  /** {@code all} in consecutive slices of at most {@link #CHUNK} elements. */
  static <T> List<List<T>> chunks(List<T> all) {
    List<List<T>> out = new ArrayList<>((all.size() + CHUNK - 1) / CHUNK);
    for (int from = 0; from < all.size(); from += CHUNK) {
      out.add(all.subList(from, Math.min(all.size(), from + CHUNK)));
    }
    return out;
  }

  /** The first column of the only row (a NULL aggregate reads as 0). */
  static long single(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new SQLException("expected one row");
      }
      return rs.getLong(1);
    }
  }

  /** Binds the values from parameter {@code first} on; returns the next free parameter index. */
  static int bindBytes(PreparedStatement ps, int first, List<byte[]> values) throws SQLException {
    int i = first;
    for (byte[] v : values) {
      ps.setBytes(i++, v);
    }
    return i;
  }

  static int bindLongs(PreparedStatement ps, int first, List<Long> values) throws SQLException {
    int i = first;
    for (long v : values) {
      ps.setLong(i++, v);
    }
    return i;
  }

  /** A nullable BIGINT column as 0 when NULL. */
  static long longOrZero(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? 0 : v;
  }
}
