package org.xmtpj.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.xmtpj.dag.Event;
import org.xmtpj.dag.EventCodec;
import org.xmtpj.dag.EventId;

/**
 * The {@code links} table: for every event id named as a parent, the newest {@code created_at} among the stored
 * events naming it. Retention needs it twice: an event with a child above the horizon is not pruned (receivers of
 * the child must be able to fetch it), and an event that arrives after one of its children (below the horizon a
 * child may be inserted without its parents) is not a head, as the definition of heads says.
 */
final class Links {
  private static final int BACKFILL_PAGE = 1_000;
  private static final String UPSERT = "INSERT INTO links (parent, child_ms) VALUES (?, ?) ON CONFLICT (parent)"
      + " DO UPDATE SET child_ms = excluded.child_ms WHERE excluded.child_ms > links.child_ms";

  private Links() {}

  /**
   * Inside the append's transaction: records the batch's parent links, then returns which of the fresh events
   * some stored event (in this batch or before it) names as a parent; those do not become heads.
   */
  static Set<EventId> record(Connection w, List<FreshEvent> fresh) throws SQLException {
    try (PreparedStatement ps = w.prepareStatement(UPSERT)) {
      for (FreshEvent f : fresh) {
        Event e = f.stored().event().event();
        addLinks(ps, e);
      }
      ps.executeBatch();
    }
    Set<EventId> linked = new HashSet<>();
    List<byte[]> ids = fresh.stream().map(f -> f.id().bytes()).toList();
    for (List<byte[]> chunk : Sql.chunks(ids)) {
      try (PreparedStatement ps = w.prepareStatement(
          "SELECT parent FROM links WHERE parent IN (" + Sql.placeholders(chunk.size()) + ")")) {
        Sql.bindBytes(ps, 1, chunk);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            linked.add(new EventId(rs.getBytes(1)));
          }
        }
      }
    }
    return linked;
  }

  private static void addLinks(PreparedStatement upsert, Event e) throws SQLException {
    for (EventId parent : e.parents()) {
      upsert.setBytes(1, parent.bytes());
      upsert.setLong(2, e.createdAtMs());
      upsert.addBatch();
    }
  }

  /**
   * At open, on the writer connection: rows written before V3 lack {@code created_at} and their links. Decodes
   * them page by page (committing each page, so an interrupted open resumes where it stopped); later opens find
   * nothing to do through the index on {@code created_at}.
   */
  static void backfill(Connection w) throws SQLException {
    try (PreparedStatement select = w.prepareStatement("SELECT row_no, raw FROM events WHERE created_at IS NULL"
            + " ORDER BY row_no LIMIT " + BACKFILL_PAGE);
        PreparedStatement update = w.prepareStatement("UPDATE events SET created_at = ? WHERE row_no = ?");
        PreparedStatement upsert = w.prepareStatement(UPSERT)) {
      while (true) {
        List<Long> rows = new ArrayList<>();
        List<Event> events = new ArrayList<>();
        try (ResultSet rs = select.executeQuery()) {
          while (rs.next()) {
            rows.add(rs.getLong(1));
            events.add(EventCodec.decode(rs.getBytes(2)).event());
          }
        }
        for (int i = 0; i < rows.size(); i++) {
          update.setLong(1, events.get(i).createdAtMs());
          update.setLong(2, rows.get(i));
          update.addBatch();
          addLinks(upsert, events.get(i));
        }
        if (rows.isEmpty()) {
          w.commit();
          return;
        }
        update.executeBatch();
        upsert.executeBatch();
        w.commit();
      }
    }
  }
}
