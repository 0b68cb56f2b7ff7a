package org.xmtpj.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.store.FingerprintTracker.Change;

/**
 * What a replica learns from peers about events pruned below the horizon, each in one transaction on the writer
 * connection: a floor a peer declared ({@link EventStore#raiseFloor}) and heads superseded by pruned events
 * ({@link EventStore#retireHeads}).
 */
final class HorizonWrites {
  private final Connection writer;
  private final SqlDialect dialect;
  private final Registry registry;
  private final VectorTracker vector;
  private final FingerprintTracker fingerprints;

  HorizonWrites(Connection writer, SqlDialect dialect, Registry registry, VectorTracker vector,
      FingerprintTracker fingerprints) {
    this.writer = writer;
    this.dialect = dialect;
    this.registry = registry;
    this.vector = vector;
    this.fingerprints = fingerprints;
  }

  OriginProgress raiseFloor(OriginKey origin, long floor) {
    try {
      Map<OriginKey, Long> ids = registry.originsForWrite(writer, Set.of(origin), dialect);
      OriginProgress after = vector.raise(writer, ids.get(origin), origin, floor);
      if (after == null) {
        writer.rollback();
        return vector.of(origin);
      }
      writer.commit();
      registry.remember(Map.of(), ids);
      vector.publish(Map.of(origin, after));
      vector.publishFloors(Map.of(origin, floor));
      return after;
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(e);
      throw StoreException.of("raising the floor of " + origin + " to " + floor + " (nothing changed)", e);
    }
  }

  /**
   * Removes these ids from the topic's heads, never all of them (the topic must stay rooted for new events to
   * link to); ids that are not heads are ignored. Returns how many stopped being heads.
   */
  int retireHeads(TopicKey topic, Collection<EventId> ids) {
    Long topicId = registry.topicId(topic);
    if (topicId == null || ids.isEmpty()) {
      return 0;
    }
    try {
      List<EventId> before = FingerprintTracker.headsOf(writer, List.of(topicId)).getOrDefault(topicId, List.of());
      Set<EventId> gone = Set.copyOf(ids);
      List<EventId> after = before.stream().filter(h -> !gone.contains(h)).toList();
      if (after.size() == before.size() || after.isEmpty()) {
        writer.rollback();
        return 0;
      }
      try (PreparedStatement del = writer.prepareStatement("DELETE FROM heads WHERE topic = ? AND id = ?")) {
        for (EventId id : before) {
          if (!after.contains(id)) {
            del.setLong(1, topicId);
            del.setBytes(2, id.bytes());
            del.addBatch();
          }
        }
        del.executeBatch();
      }
      byte[] old = headsHash(topicId);
      byte[] hash = FingerprintTracker.headsHash(topic, after);
      try (PreparedStatement ps = writer.prepareStatement("UPDATE topics SET heads_hash = ? WHERE id = ?")) {
        ps.setBytes(1, hash);
        ps.setLong(2, topicId);
        ps.executeUpdate();
      }
      writer.commit();
      fingerprints.publish(List.of(new Change(topic, old, hash)));
      return before.size() - after.size();
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(e);
      throw StoreException.of("retiring heads of " + topic + " (nothing changed)", e);
    }
  }

  private byte[] headsHash(long topicId) throws SQLException {
    try (PreparedStatement ps = writer.prepareStatement("SELECT heads_hash FROM topics WHERE id = ?")) {
      ps.setLong(1, topicId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBytes(1);
      }
    }
  }

  private void rollbackQuietly(Exception cause) {
    try {
      writer.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }
}
