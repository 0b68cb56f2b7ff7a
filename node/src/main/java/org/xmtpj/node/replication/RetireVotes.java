package org.xmtpj.node.replication;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;

/**
 * Which of our old heads enough peers say are superseded (docs/replication.md §6.3). One peer's GetHeads answer is
 * only its word: a liar that answers with a subset of our heads would otherwise make us retire honest heads, and
 * the honest peers, seeing our shorter head list, would retire theirs too. So a head is retired once two different
 * peers (or the only peer there is) have each reported a head list without it. An honest peer never reports a head
 * we hold in its origin's shared contiguous prefix unless it has that head's children or retired it itself, so two
 * honest votes are as good as one, and one liar alone retires nothing. Runs on the replication thread.
 */
final class RetireVotes {
  /** Heads with votes remembered at once; the oldest are forgotten first (a vote is cast again next round). */
  static final int MAX_HEADS = 10_000;
  static final int VOTES_NEEDED = 2;

  private final Map<EventId, Set<OriginKey>> votes = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<EventId, Set<OriginKey>> eldest) {
      return size() > MAX_HEADS;
    }
  };

  /**
   * Records that {@code peer} reported a head list without each of {@code candidates}, and returns those now
   * reported so by enough peers (which are forgotten: they are about to be retired).
   *
   * @param peers how many peers this node replicates with: a node with one peer has no second opinion to wait for
   */
  List<EventId> vote(OriginKey peer, List<EventId> candidates, int peers) {
    int needed = Math.max(1, Math.min(VOTES_NEEDED, peers));
    List<EventId> agreed = new ArrayList<>();
    for (EventId id : candidates) {
      Set<OriginKey> by = votes.computeIfAbsent(id, k -> new HashSet<>());
      by.add(peer);
      if (by.size() >= needed) {
        agreed.add(id);
        votes.remove(id);
      }
    }
    return agreed;
  }

  /** Heads with at least one vote (for tests). */
  int pending() {
    return votes.size();
  }
}
