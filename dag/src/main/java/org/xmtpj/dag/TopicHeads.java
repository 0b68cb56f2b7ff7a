package org.xmtpj.dag;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * The heads of one topic's DAG (events no other event links to). Pure: the owner decides when to persist.
 * Parent choice is deterministic so that every replica would pick the same links from the same heads.
 *
 * <p>A future-dated head stays a head but is not chosen as a parent until it is due: otherwise one far-future
 * event would make every descendant inherit its hidden state and freeze the topic for clients.
 */
public final class TopicHeads {
  private final NavigableSet<EventId> heads;
  private final Map<EventId, Long> hiddenUntil = new HashMap<>();

  public TopicHeads(Collection<EventId> heads) {
    this.heads = new TreeSet<>(heads);
  }

  public TopicHeads(Collection<EventId> heads, Map<EventId, Long> hiddenUntilMs) {
    this(heads);
    hiddenUntilMs.forEach((id, t) -> {
      if (t > 0 && this.heads.contains(id)) {
        hiddenUntil.put(id, t);
      }
    });
  }

  /** Up to {@link DagLimits#MAX_PARENTS} heads, lowest ids first, already in canonical order. */
  public List<EventId> chooseParents() {
    return chooseParents(Long.MAX_VALUE);
  }

  /** As {@link #chooseParents()}, skipping heads still hidden at {@code nowMs}. */
  public List<EventId> chooseParents(long nowMs) {
    List<EventId> out = new ArrayList<>(Math.min(heads.size(), DagLimits.MAX_PARENTS));
    for (EventId id : heads) {
      if (out.size() == DagLimits.MAX_PARENTS) {
        break;
      }
      Long until = hiddenUntil.get(id);
      if (until == null || until <= nowMs) {
        out.add(id);
      }
    }
    return out;
  }

  /** Applies a new event: its parents stop being heads, it becomes one. */
  public void add(EventId id, List<EventId> parents) {
    add(id, parents, 0);
  }

  public void add(EventId id, List<EventId> parents, long hiddenUntilMs) {
    parents.forEach(p -> {
      heads.remove(p);
      hiddenUntil.remove(p);
    });
    heads.add(id);
    if (hiddenUntilMs > 0) {
      hiddenUntil.put(id, hiddenUntilMs);
    }
  }

  public List<EventId> snapshot() {
    return List.copyOf(heads);
  }

  public int size() {
    return heads.size();
  }
}
