package org.xmtpj.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.store.FingerprintTracker.Change;
import org.xmtpj.store.Registry.TopicRow;

/**
 * Per-topic state an append changes, inside the writer's transaction: heads (parents leave, the new event joins
 * unless a stored event already names it as a parent: a later event of the same batch, or, below the retention
 * horizon, a child inserted before it), event counts and heads hashes.
 */
final class TopicWriter {
  private TopicWriter() {}

  /** Applies the batch; returns each touched topic's heads-hash change for the fingerprint (after the commit). */
  static List<Change> apply(Connection w, List<FreshEvent> fresh, Map<TopicKey, TopicRow> topics,
      Set<EventId> linked) throws SQLException {
    updateHeads(w, fresh, topics, linked);
    Map<TopicKey, Long> counts = new LinkedHashMap<>();
    fresh.forEach(f -> counts.merge(f.topic(), 1L, Long::sum));
    List<Long> ids = counts.keySet().stream().map(k -> topics.get(k).id()).toList();
    Map<Long, List<EventId>> heads = FingerprintTracker.headsOf(w, ids);
    List<Change> changes = new ArrayList<>(counts.size());
    try (PreparedStatement ps = w.prepareStatement(
        "UPDATE topics SET event_count = event_count + ?, heads_hash = ? WHERE id = ?")) {
      for (Map.Entry<TopicKey, Long> e : counts.entrySet()) {
        TopicRow row = topics.get(e.getKey());
        byte[] hash = FingerprintTracker.headsHash(e.getKey(), heads.getOrDefault(row.id(), List.of()));
        ps.setLong(1, e.getValue());
        ps.setBytes(2, hash);
        ps.setLong(3, row.id());
        ps.addBatch();
        changes.add(new Change(e.getKey(), row.oldHash(), hash));
      }
      ps.executeBatch();
    }
    return changes;
  }

  /** {@code linked}: the fresh events that a stored event names as a parent ({@link Links#record}). */
  private static void updateHeads(Connection w, List<FreshEvent> fresh, Map<TopicKey, TopicRow> topics,
      Set<EventId> linked) throws SQLException {
    try (PreparedStatement del = w.prepareStatement("DELETE FROM heads WHERE topic = ? AND id = ?");
        // a quarantined head keeps its heads row (Quarantine): stored again, it is a head already
        PreparedStatement ins = w.prepareStatement(
            "INSERT INTO heads (topic, id) VALUES (?, ?) ON CONFLICT (topic, id) DO NOTHING")) {
      for (FreshEvent f : fresh) {
        long topic = topics.get(f.topic()).id();
        for (EventId parent : f.stored().event().event().parents()) {
          del.setLong(1, topic);
          del.setBytes(2, parent.bytes());
          del.addBatch();
        }
        if (!linked.contains(f.id())) {
          ins.setLong(1, topic);
          ins.setBytes(2, f.id().bytes());
          ins.addBatch();
        }
      }
      del.executeBatch();
      ins.executeBatch();
    }
  }
}
