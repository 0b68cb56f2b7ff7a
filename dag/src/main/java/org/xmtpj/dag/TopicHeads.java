package org.xmtpj.dag;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * The heads of one topic's DAG (events no other event links to). Pure: the owner decides when to persist.
 * Parent choice is deterministic so that every replica would pick the same links from the same heads.
 */
public final class TopicHeads {
  private final NavigableSet<EventId> heads;

  public TopicHeads(Collection<EventId> heads) {
    this.heads = new TreeSet<>(heads);
  }

  /** Up to {@link DagLimits#MAX_PARENTS} heads, lowest ids first, already in canonical order. */
  public List<EventId> chooseParents() {
    List<EventId> out = new ArrayList<>(Math.min(heads.size(), DagLimits.MAX_PARENTS));
    for (EventId id : heads) {
      if (out.size() == DagLimits.MAX_PARENTS) {
        break;
      }
      out.add(id);
    }
    return out;
  }

  /** Applies a new event: its parents stop being heads, it becomes one. */
  public void add(EventId id, List<EventId> parents) {
    parents.forEach(heads::remove);
    heads.add(id);
  }

  public List<EventId> snapshot() {
    return List.copyOf(heads);
  }

  public int size() {
    return heads.size();
  }
}
