package org.xmtpj.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import javax.sql.DataSource;
import org.xmtpj.dag.ClientEnvelope;
import org.xmtpj.dag.EnvelopeCursor;
import org.xmtpj.dag.SortDirection;

/**
 * Client read paths, over visible events only: queries in (timestamp, digest) order, catch-up reads in local order
 * and digest checks. Every statement says {@code local_seq IS NOT NULL} so that SQLite, too, picks the partial
 * indexes (it uses a partial index only when the query's WHERE implies the index's).
 */
final class QueryReader {
  /** Rows a query result holds in memory at once (PostgreSQL; SQLite steps one at a time). */
  private static final int FETCH_ROWS = 8;

  private final DataSource readers;
  private volatile Boolean postgres; // which database: known from the first connection
  private final Function<Collection<String>, Map<String, Long>> topicIds;
  private final Quarantine quarantine;

  QueryReader(DataSource readers, Function<Collection<String>, Map<String, Long>> topicIds, Quarantine quarantine) {
    this.readers = readers;
    this.topicIds = topicIds;
    this.quarantine = quarantine;
  }

  EnvelopePage query(EnvelopeQuery q) {
    List<Long> topics = List.copyOf(topicIds.apply(q.topics()).values());
    if (topics.isEmpty()) {
      return new EnvelopePage(List.of(), null, 0);
    }
    boolean asc = q.direction() == SortDirection.ASCENDING;
    StringBuilder sql = new StringBuilder("SELECT ts, digest, raw, row_no, id FROM events WHERE topic");
    sql.append(topics.size() == 1 ? " = ?" : " IN (" + placeholders(topics.size()) + ")");
    sql.append(" AND local_seq IS NOT NULL");
    if (q.startTimeNs() != 0) {
      sql.append(" AND ts >= ?");
    }
    if (q.endTimeNs() != 0) {
      sql.append(" AND ts <= ?");
    }
    EnvelopeCursor cursor = q.cursor();
    if (cursor != null) {
      // always the pair: node-go compares on the digest alone when the cursor's time is 0, but a cursor this node
      // issued after a row at time 0 means (0, digest), and the digest alone would skip (ascending) or repeat
      // (descending) rows of other times; clients hand back the cursors they were given
      sql.append(" AND (ts, digest) ").append(asc ? ">" : "<").append(" (?, ?)");
    }
    sql.append(asc ? " ORDER BY ts ASC, digest ASC" : " ORDER BY ts DESC, digest DESC").append(" LIMIT ?");
    try (Connection c = readers.getConnection()) {
      return streamed(c, isPostgres(c), () -> {
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
          bind(ps, q, topics);
          return readPage(ps, q.limit(), q.maxBytes(), quarantine);
        }
      });
    } catch (SQLException e) {
      throw StoreException.of("querying envelopes", e);
    }
  }

  private static void bind(PreparedStatement ps, EnvelopeQuery q, List<Long> topics) throws SQLException {
    EnvelopeCursor cursor = q.cursor();
    int i = 1;
    for (long t : topics) {
      ps.setLong(i++, t);
    }
    if (q.startTimeNs() != 0) {
      ps.setLong(i++, q.startTimeNs());
    }
    if (q.endTimeNs() != 0) {
      ps.setLong(i++, q.endTimeNs());
    }
    if (cursor != null) {
      ps.setLong(i++, cursor.timestampNs());
      ps.setBytes(i++, cursor.digest());
    }
    ps.setInt(i, q.limit());
  }

  private interface Read<T> {
    T read() throws SQLException;
  }

  /**
   * Runs {@code read} so that rows reach it a few at a time, not the whole result at once: PostgreSQL's driver
   * holds every row of a result in memory unless it reads through a cursor, which takes a transaction and a fetch
   * size (SQLite steps rows one by one anyway). A page that its byte budget ends early then never loads the rest.
   */
  private static <T> T streamed(Connection c, boolean cursorNeedsTransaction, Read<T> read)
      throws SQLException {
    boolean auto = cursorNeedsTransaction && c.getAutoCommit();
    if (auto) {
      c.setAutoCommit(false);
    }
    try {
      return read.read();
    } finally {
      if (auto) {
        try {
          c.rollback(); // read only: nothing to keep
        } finally {
          c.setAutoCommit(true); // the pool would reset it too; a failed rollback must not skip it
        }
      }
    }
  }

  private boolean isPostgres(Connection c) throws SQLException {
    Boolean pg = postgres;
    if (pg == null) {
      pg = c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres");
      postgres = pg;
    }
    return pg;
  }

  /**
   * Rows, one page of them: at most {@code limit}, and no more once {@code maxBytes} is reached (at least one). A
   * damaged row is reported and left out, but counts toward the page and the cursor, so paging moves on past it.
   */
  private static EnvelopePage readPage(PreparedStatement ps, int limit, long maxBytes, Quarantine quarantine)
      throws SQLException {
    ps.setFetchSize(FETCH_ROWS);
    List<ClientEnvelope> out = new ArrayList<>(Math.min(limit, 128));
    long lastTs = 0;
    byte[] lastDigest = null;
    long bytes = 0;
    int rows = 0;
    boolean cut = false;
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        byte[] raw = rs.getBytes(3);
        if (!out.isEmpty() && bytes + raw.length > maxBytes) {
          cut = true; // this row and any after it are the next page's
          break;
        }
        rows++;
        lastTs = rs.getLong(1);
        lastDigest = rs.getBytes(2);
        ClientEnvelope envelope = checked(rs.getLong(4), rs.getBytes(5), raw, lastTs, quarantine);
        if (envelope != null) {
          bytes += raw.length;
          out.add(envelope);
        }
      }
    }
    EnvelopeCursor next = cut || rows == limit ? new EnvelopeCursor(lastTs, lastDigest) : null;
    return new EnvelopePage(out, next, bytes);
  }

  /** The row's envelope if the row is intact and agrees with its timestamp column; else reported, null. */
  private static ClientEnvelope checked(long row, byte[] id, byte[] raw, long ts, Quarantine quarantine) {
    IntegrityCheck.Result r = IntegrityCheck.check(id, raw);
    if (r.intact() && r.envelope() != null && r.envelope().timestampNs() == ts) {
      return r.envelope();
    }
    quarantine.report(row, r.intact() ? "row's timestamp or payload type disagrees with its bytes" : r.damage());
    return null;
  }

  List<StoredEnvelope> readAfter(long afterLocalSeq, Set<String> topics, int limit, long maxBytes) {
    List<Long> ids = topics == null ? null : List.copyOf(topicIds.apply(topics).values());
    if (ids != null && ids.isEmpty()) {
      return List.of();
    }
    String sql = "SELECT local_seq, raw, row_no, id, ts FROM events WHERE local_seq IS NOT NULL AND local_seq > ?"
        + (ids == null ? "" : " AND topic IN (" + placeholders(ids.size()) + ")")
        + " ORDER BY local_seq LIMIT ?";
    try (Connection c = readers.getConnection()) {
      List<StoredEnvelope> out = new ArrayList<>();
      streamed(c, isPostgres(c), () -> {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          int i = 1;
          ps.setLong(i++, afterLocalSeq);
          if (ids != null) {
            for (long id : ids) {
              ps.setLong(i++, id);
            }
          }
          ps.setInt(i, limit);
          ps.setFetchSize(FETCH_ROWS);
          long bytes = 0;
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              byte[] raw = rs.getBytes(2);
              if (!out.isEmpty() && bytes + raw.length > maxBytes) {
                break; // the next page's
              }
              ClientEnvelope envelope = checked(rs.getLong(3), rs.getBytes(4), raw, rs.getLong(5), quarantine);
              if (envelope != null) {
                bytes += raw.length;
                out.add(new StoredEnvelope(rs.getLong(1), envelope));
              }
            }
          }
          return null;
        }
      });
      return out;
    } catch (SQLException e) {
      throw StoreException.of("reading after " + afterLocalSeq, e);
    }
  }

  Set<Digest> existingDigests(Collection<Digest> digests) {
    Set<Digest> found = new HashSet<>();
    try (Connection c = readers.getConnection()) {
      for (List<Digest> chunk : Sql.chunks(List.copyOf(digests))) {
        try (PreparedStatement ps = c.prepareStatement("SELECT digest FROM events WHERE digest IN ("
            + placeholders(chunk.size()) + ") AND local_seq IS NOT NULL")) {
          Sql.bindBytes(ps, 1, chunk.stream().map(Digest::bytes).toList());
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              found.add(new Digest(rs.getBytes(1)));
            }
          }
        }
      }
      return found;
    } catch (SQLException e) {
      throw StoreException.of("checking digests", e);
    }
  }

  private static String placeholders(int n) {
    return Sql.placeholders(n);
  }
}
