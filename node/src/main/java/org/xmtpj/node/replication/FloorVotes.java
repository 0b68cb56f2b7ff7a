package org.xmtpj.node.replication;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xmtpj.dag.OriginKey;

/**
 * How far to believe the retention floors peers declare for an origin (docs/replication.md §6.2). A floor is a
 * claim that every sequence under it that a page lacks was pruned; believed blindly, one liar declaring a floor far
 * ahead makes this node skip, and then declare pruned, honest events it never saw. So a floor counts only up to
 * the second highest of the latest floors of different peers (the only peer's, on a node with one): one liar alone
 * raises nothing above what an honest peer said. Local policy: it decides how fast a node walks over gaps, never
 * which events are valid. Runs on the replication thread.
 */
final class FloorVotes {
  static final int VOTES_NEEDED = 2;

  /** origin → peer → the highest floor it declared for that origin. */
  private final Map<OriginKey, Map<OriginKey, Long>> claims = new HashMap<>();

  /**
   * Records {@code peer}'s floor for {@code origin} and returns the floor believed now, at most {@code claimed}.
   *
   * @param peers how many peers this node replicates with
   */
  long vote(OriginKey peer, OriginKey origin, long claimed, int peers) {
    if (peer == null || claimed <= 0) {
      return 0;
    }
    Map<OriginKey, Long> byPeer = claims.computeIfAbsent(origin, k -> new HashMap<>());
    byPeer.merge(peer, claimed, Math::max);
    int needed = Math.max(1, Math.min(VOTES_NEEDED, peers));
    List<Long> floors = new ArrayList<>(byPeer.values());
    if (floors.size() < needed) {
      return 0;
    }
    floors.sort(java.util.Comparator.reverseOrder());
    return Math.min(claimed, floors.get(needed - 1));
  }
}
