package org.xmtpj.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The writer's sequences and the sizes for metrics, loaded at open and advanced only after a commit (a rolled-back
 * append leaves them as they were). Written by the writer thread, read by any.
 */
final class StoreCounters {
  /** The last insertion row (rows are assigned by the writer: insertion order, a topological order). */
  private volatile long lastRow;
  /** The last local sequence assigned; max(local_seq) survives restarts because a takeover assigns a fresh one. */
  private volatile long lastLocalSeq;
  private volatile long events;
  private volatile long payloadBytes;
  private volatile long topics;

  void load(Connection w) throws SQLException {
    try (PreparedStatement row = w.prepareStatement("SELECT MAX(row_no) FROM events");
        PreparedStatement local = w.prepareStatement(
            "SELECT MAX(local_seq) FROM events WHERE local_seq IS NOT NULL");
        PreparedStatement count = w.prepareStatement("SELECT COUNT(*) FROM topics");
        PreparedStatement ps = w.prepareStatement("SELECT name, value FROM counters");
        ResultSet rs = ps.executeQuery()) {
      lastRow = Sql.single(row);
      lastLocalSeq = Sql.single(local);
      topics = Sql.single(count);
      while (rs.next()) {
        switch (rs.getString(1)) {
          case "events" -> events = rs.getLong(2);
          case "payload_bytes" -> payloadBytes = rs.getLong(2);
          default -> { }
        }
      }
    }
    w.commit();
  }

  long lastRow() {
    return lastRow;
  }

  long lastLocalSeq() {
    return lastLocalSeq;
  }

  /** Only the writer thread calls this, after a commit. */
  void committed(long lastRow, long lastLocalSeq, long events, long payloadBytes, long topics) {
    this.lastRow = lastRow;
    this.lastLocalSeq = lastLocalSeq;
    this.events += events;
    this.payloadBytes += payloadBytes;
    this.topics += topics;
  }

  /** Persists the additions inside the writer's transaction. */
  static void add(Connection w, long events, long payloadBytes) throws SQLException {
    try (PreparedStatement ps = w.prepareStatement("UPDATE counters SET value = value + ? WHERE name = ?")) {
      ps.setLong(1, events);
      ps.setString(2, "events");
      ps.addBatch();
      ps.setLong(1, payloadBytes);
      ps.setString(2, "payload_bytes");
      ps.addBatch();
      ps.executeBatch();
    }
  }

  StoreStats stats() {
    return new StoreStats(events, topics, payloadBytes);
  }
}
