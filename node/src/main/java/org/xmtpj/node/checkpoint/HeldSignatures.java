package org.xmtpj.node.checkpoint;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.xmtpj.chain.checkpoint.SignedCheckpoint;

/**
 * Signature records whose epoch's active set is not final yet ({@link ActiveSets}): kept unchecked, since who may
 * sign is not known yet, and checked once the set is final, instead of being dropped for good when the store's
 * cursor moves past them.
 *
 * <p>Nothing here has been verified, so anyone able to write the topic chooses what it claims; the budget bounds
 * the memory: at most {@link #PER_NODE} records per claimed node and {@link #PER_EPOCH} per epoch, and Consensus
 * holds only epochs up to one past the current one. Flooding an epoch can crowd out an honest <em>early</em>
 * signature (one made before its epoch's set was final, i.e. by a signer whose clock runs ahead of the chain);
 * signatures made after their epoch ended, the normal case, are checked on arrival and never held.
 */
final class HeldSignatures {
  /** An honest node signs one root per epoch; two are enough to show it signed two. */
  static final int PER_NODE = 2;
  /** Above the contract's MAX_ACTIVE_NODES (100) with each member's one signature. */
  static final int PER_EPOCH = 256;

  private final TreeMap<Long, Map<Long, List<SignedCheckpoint>>> byEpoch = new TreeMap<>();
  private final Map<Long, Integer> counts = new HashMap<>();
  private int size;

  /** Holds {@code s}; false when the budget is spent (a duplicate of a held record counts as held). */
  boolean add(SignedCheckpoint s) {
    List<SignedCheckpoint> mine = byEpoch.computeIfAbsent(s.epoch(), e -> new HashMap<>())
        .computeIfAbsent(s.nodeId(), n -> new ArrayList<>());
    if (mine.contains(s)) {
      return true;
    }
    if (mine.size() >= PER_NODE || counts.getOrDefault(s.epoch(), 0) >= PER_EPOCH) {
      if (mine.isEmpty()) {
        byEpoch.get(s.epoch()).remove(s.nodeId());
      }
      return false;
    }
    mine.add(s);
    counts.merge(s.epoch(), 1, Integer::sum);
    size++;
    return true;
  }

  Set<Long> epochs() {
    return Set.copyOf(byEpoch.keySet());
  }

  /** Removes and returns what is held for {@code epoch}. */
  List<SignedCheckpoint> take(long epoch) {
    Map<Long, List<SignedCheckpoint>> held = byEpoch.remove(epoch);
    counts.remove(epoch);
    List<SignedCheckpoint> out = held == null ? List.of() : held.values().stream().flatMap(List::stream).toList();
    size -= out.size();
    return out;
  }

  /** Drops the epochs before {@code horizon}; returns how many records went. */
  int prune(long horizon) {
    int dropped = 0;
    while (!byEpoch.isEmpty() && byEpoch.firstKey() < horizon) {
      dropped += take(byEpoch.firstKey()).size();
    }
    return dropped;
  }

  int size() {
    return size;
  }
}
