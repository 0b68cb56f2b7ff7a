package org.xmtpj.dag.state;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.xmtpj.crypto.state.StateHashes;
import org.xmtpj.crypto.state.StateProof;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.dag.OriginKey;

/**
 * The checkpoint chain of one node: the last cut, every topic's heads within it, and the state tree over them.
 * {@link #advance} computes the next cut by the rule of docs/consensus.md §2 and updates only the topics that
 * gained events. Not thread-safe: one thread owns it.
 */
public final class CheckpointState {
  /** Events read per store call while scanning an origin. */
  static final int PAGE = 1_000;

  private StateTree<List<EventId>> tree = StateTree.empty();
  private Cut cut = Cut.EMPTY;

  /**
   * The outcome of one step: the new cut, its hash, the state root, what changed, and the tree version (each
   * leaf carries the topic's heads within the cut, ascending), which stays valid for proofs after later steps.
   */
  public record Advance(Cut cut, byte[] cutHash, byte[] root, int newEvents, int changedTopics,
      StateTree<List<EventId>> tree, Map<TopicKey, List<EventId>> changedHeads) {}

  /** A fresh state: the empty cut. */
  public CheckpointState() {}

  private CheckpointState(Cut cut, StateTree<List<EventId>> tree) {
    this.cut = cut;
    this.tree = tree;
  }

  /**
   * The state at a cut whose every topic's heads are known already (saved by an earlier run), so that the next
   * {@link #advance} reads only the events after it: a store pruned below the cut can go on from there.
   *
   * @param heads every topic with events in the cut, and its heads within it (non-empty)
   */
  public static CheckpointState restore(Cut cut, Map<TopicKey, List<EventId>> heads) {
    Map<TopicKey, StateTree.Update<List<EventId>>> leaves = new HashMap<>(heads.size() * 2);
    heads.forEach((topic, h) -> leaves.put(topic, leaf(h)));
    return new CheckpointState(cut, StateTree.<List<EventId>>empty().with(leaves));
  }

  public Cut cut() {
    return cut;
  }

  public byte[] root() {
    return tree.root();
  }

  public int topics() {
    return tree.size();
  }

  /**
   * Moves to the cut whose boundary is {@code boundaryMs}: per origin, the longest stored prefix of events created
   * before the boundary, then lowered until every included event's parents are included.
   */
  public Advance advance(CutSource source, long boundaryMs) {
    Map<OriginKey, List<CutSource.CutEvent>> fresh = new HashMap<>();
    Map<OriginKey, Long> marks = new HashMap<>(cut.watermarks());
    for (OriginKey origin : source.origins()) {
      List<CutSource.CutEvent> scanned = scan(source, origin, cut.watermark(origin), boundaryMs);
      if (!scanned.isEmpty()) {
        fresh.put(origin, scanned);
        marks.put(origin, scanned.getLast().seq());
      }
    }
    closeUnderAncestors(source, fresh, marks);
    Cut next = new Cut(marks);
    int newEvents = 0;
    Map<TopicKey, List<CutSource.CutEvent>> byTopic = new HashMap<>();
    for (List<CutSource.CutEvent> events : fresh.values()) {
      for (CutSource.CutEvent e : events) {
        if (next.contains(e.origin(), e.seq())) {
          byTopic.computeIfAbsent(new TopicKey(e.topicId()), k -> new ArrayList<>()).add(e);
          newEvents++;
        }
      }
    }
    Map<TopicKey, StateTree.Update<List<EventId>>> updates = new HashMap<>();
    Map<TopicKey, List<EventId>> changed = new HashMap<>();
    byTopic.forEach((topic, added) -> {
      StateTree.Update<List<EventId>> u = leaf(topic, added);
      updates.put(topic, u);
      changed.put(topic, u.attachment());
    });
    tree = tree.with(updates);
    cut = next;
    return new Advance(next, next.hash(), tree.root(), newEvents, byTopic.size(), tree,
        java.util.Collections.unmodifiableMap(changed));
  }

  private static List<CutSource.CutEvent> scan(CutSource source, OriginKey origin, long from, long boundaryMs) {
    long limit = source.contiguous(origin);
    List<CutSource.CutEvent> out = new ArrayList<>();
    long next = from;
    while (next < limit) {
      List<CutSource.CutEvent> page = source.after(origin, next, PAGE);
      for (CutSource.CutEvent e : page) {
        if (e.seq() != next + 1 || e.seq() > limit || e.createdAtMs() >= boundaryMs) {
          return out; // a gap, the contiguous end, or the boundary: the prefix stops here
        }
        out.add(e);
        next = e.seq();
      }
      if (page.isEmpty()) {
        break;
      }
    }
    return out;
  }

  /** Lowers watermarks until no included event has a parent outside the cut (a fixpoint: it only removes). */
  private static void closeUnderAncestors(CutSource source, Map<OriginKey, List<CutSource.CutEvent>> fresh,
      Map<OriginKey, Long> marks) {
    Map<EventId, CutSource.Position> positions = new HashMap<>();
    Set<EventId> outside = new LinkedHashSet<>();
    fresh.values().forEach(list -> list.forEach(e -> positions.put(e.id(),
        new CutSource.Position(e.origin(), e.seq()))));
    fresh.values().forEach(list -> list.forEach(e -> e.parents().stream()
        .filter(p -> !positions.containsKey(p)).forEach(outside::add)));
    positions.putAll(source.positions(outside));
    boolean lowered = true;
    while (lowered) {
      lowered = false;
      for (var entry : fresh.entrySet()) {
        OriginKey origin = entry.getKey();
        for (CutSource.CutEvent e : entry.getValue()) {
          if (e.seq() > marks.getOrDefault(origin, 0L)) {
            break;
          }
          if (!parentsIncluded(e, positions, marks)) {
            marks.put(origin, e.seq() - 1);
            lowered = true;
            break;
          }
        }
      }
    }
  }

  /** A parent the store does not have was pruned below its origin's floor, which is inside every later cut. */
  private static boolean parentsIncluded(CutSource.CutEvent e, Map<EventId, CutSource.Position> positions,
      Map<OriginKey, Long> marks) {
    for (EventId p : e.parents()) {
      CutSource.Position at = positions.get(p);
      if (at != null && at.seq() > marks.getOrDefault(at.origin(), 0L)) {
        return false;
      }
    }
    return true;
  }

  /** The topic's new heads: {@code (heads ∪ added) ∖ parents(added)}, valid because the cut is ancestor-closed. */
  private StateTree.Update<List<EventId>> leaf(TopicKey topic, List<CutSource.CutEvent> added) {
    Set<EventId> h = new HashSet<>(tree.attachment(topic.bytes()).orElse(List.of()));
    added.forEach(e -> h.add(e.id()));
    added.forEach(e -> e.parents().forEach(h::remove));
    return leaf(h);
  }

  private static StateTree.Update<List<EventId>> leaf(java.util.Collection<EventId> heads) {
    List<EventId> sorted = heads.stream().sorted().distinct().toList();
    return new StateTree.Update<>(StateHashes.topicHeads(sorted.stream().map(EventId::bytes).toList()), sorted);
  }

  /** The topic's heads within the current cut (ascending), if it has events in it. */
  public Optional<List<EventId>> heads(byte[] topicId) {
    return tree.attachment(topicId);
  }

  /** The current tree version. */
  public StateTree<List<EventId>> tree() {
    return tree;
  }

  /** The proof of the topic's leaf under the current root. */
  public Optional<StateProof> proof(byte[] topicId) {
    return tree.proof(topicId);
  }
}
