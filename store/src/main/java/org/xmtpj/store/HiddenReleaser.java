package org.xmtpj.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import javax.sql.DataSource;
import org.xmtpj.dag.ClientEnvelope;
import org.xmtpj.dag.Payloads;
import org.xmtpj.dag.EventCodec;
import org.xmtpj.store.VisibilityPlan.Candidate;

/**
 * Future-dated events: stored with {@code hidden_until}, released when due by the same visibility rule an
 * unhidden append follows, in order of due time (then insertion).
 */
final class HiddenReleaser {
  private final Connection writer;
  private final DataSource readers;
  private final StoreCounters counters;
  private final Quarantine quarantine;

  HiddenReleaser(Connection writer, DataSource readers, StoreCounters counters, Quarantine quarantine) {
    this.writer = writer;
    this.readers = readers;
    this.counters = counters;
    this.quarantine = quarantine;
  }

  /** A due hidden event; {@code digest} is null for an event without envelope (it only stops being hidden). */
  private record Due(long row, long ts, byte[] id, Digest digest, byte[] raw) {}

  List<StoredEnvelope> releaseDue(long nowMs) {
    try {
      List<Due> due = due(nowMs);
      if (due.isEmpty()) {
        writer.rollback();
        return List.of();
      }
      VisibilityPlan plan = VisibilityPlan.load(writer,
          due.stream().filter(d -> d.digest() != null).map(Due::digest).distinct().toList());
      Map<Long, byte[]> raws = new HashMap<>();
      for (Due d : due) {
        if (d.digest() != null) {
          plan.offer(new Candidate(d.row(), d.ts(), d.id(), d.digest(), null, false));
          raws.put(d.row(), d.raw());
        }
      }
      BatchAppender.demote(writer, plan.demoted());
      Map<Long, Long> seqs = new HashMap<>();
      List<StoredEnvelope> visible = new ArrayList<>();
      long local = counters.lastLocalSeq();
      for (Candidate c : plan.winners()) {
        seqs.put(c.row(), ++local);
        visible.add(new StoredEnvelope(local, envelopeOf(raws.get(c.row()))));
      }
      release(due, seqs);
      writer.commit();
      counters.committed(counters.lastRow(), local, 0, 0, 0);
      return visible;
    } catch (SQLException | RuntimeException e) {
      try {
        writer.rollback();
      } catch (SQLException r) {
        e.addSuppressed(r);
      }
      throw StoreException.of("releasing hidden events due at " + nowMs + " (nothing changed)", e);
    }
  }

  private void release(List<Due> due, Map<Long, Long> seqs) throws SQLException {
    try (PreparedStatement ps = writer.prepareStatement(
        "UPDATE events SET hidden_until = NULL, local_seq = ? WHERE row_no = ?")) {
      for (Due d : due) {
        BatchAppender.setNullableLong(ps, 1, seqs.get(d.row()));
        ps.setLong(2, d.row());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  OptionalLong nextHiddenDue() {
    try (Connection c = readers.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT MIN(hidden_until) FROM events WHERE hidden_until IS NOT NULL");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      long v = rs.getLong(1);
      return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
    } catch (SQLException e) {
      throw StoreException.of("reading the next hidden-until time", e);
    }
  }

  private List<Due> due(long nowMs) throws SQLException {
    List<Due> out = new ArrayList<>();
    try (PreparedStatement ps = writer.prepareStatement("SELECT row_no, ts, id, digest, raw FROM events"
        + " WHERE hidden_until IS NOT NULL AND hidden_until <= ? ORDER BY hidden_until, row_no")) {
      ps.setLong(1, nowMs);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          IntegrityCheck.Result check = IntegrityCheck.check(rs.getBytes(3), rs.getBytes(5));
          if (!check.intact()) {
            // stays hidden until quarantine moves it out (JdbcEventStore flushes after each release)
            quarantine.report(rs.getLong(1), check.damage());
            continue;
          }
          byte[] digest = rs.getBytes(4);
          out.add(new Due(rs.getLong(1), rs.getLong(2), rs.getBytes(3), digest == null ? null : new Digest(digest),
              rs.getBytes(5)));
        }
      }
    }
    return out;
  }

  private static ClientEnvelope envelopeOf(byte[] raw) {
    return Payloads.envelope(EventCodec.decode(raw).event());
  }
}
