package org.xmtpj.node.replication;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import org.xmtpj.dag.EventCodec;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.SignedEvent;
import org.xmtpj.store.EventStore;

/**
 * Answers GetAncestors: breadth-first from {@code want} along parent links, one store round trip per level,
 * skipping what the requester has (its heads, and events its contiguous vector covers) and stopping at the bounds.
 * Explicitly wanted events are always returned: with equivocation the vector may cover a sequence number whose
 * other variant the requester lacks. The answer is topologically sorted (parents first, ties by id).
 */
final class AncestorWalk {
  private AncestorWalk() {}

  static EventsReply walk(EventStore store, AncestorsRequest r, int maxEvents, long maxBytes) {
    Set<EventId> have = new HashSet<>(r.haveHeads());
    Set<EventId> visited = new HashSet<>(r.want());
    Set<EventId> wanted = new HashSet<>(r.want());
    Map<EventId, SignedEvent> found = new HashMap<>();
    List<EventId> frontier = new ArrayList<>(r.want());
    long bytes = 0;
    boolean more = false;
    while (!frontier.isEmpty()) {
      List<EventId> next = new ArrayList<>();
      for (byte[] raw : store.events(frontier)) {
        SignedEvent e = EventCodec.decode(raw);
        if (!wanted.contains(e.id()) && (have.contains(e.id()) || covered(r.haveVector(), e))) {
          continue;
        }
        if (found.size() >= maxEvents || (!found.isEmpty() && bytes + raw.length > maxBytes)) {
          more = true;
          break;
        }
        found.put(e.id(), e);
        bytes += raw.length;
        for (EventId p : e.event().parents()) {
          if (visited.add(p)) {
            next.add(p);
          }
        }
      }
      if (more) {
        break;
      }
      frontier = next;
    }
    return EventsReply.of(topological(found), more);
  }

  private static boolean covered(Map<OriginKey, Long> vector, SignedEvent e) {
    Long contiguous = vector.get(new OriginKey(e.event().origin()));
    return contiguous != null && e.event().originSeq() <= contiguous;
  }

  /** Kahn's algorithm over the returned subgraph; ready events leave in id order so the answer is deterministic. */
  static List<byte[]> topological(Map<EventId, SignedEvent> events) {
    Map<EventId, Integer> indegree = new HashMap<>();
    Map<EventId, List<EventId>> children = new HashMap<>();
    for (SignedEvent e : events.values()) {
      int d = 0;
      for (EventId p : e.event().parents()) {
        if (events.containsKey(p)) {
          d++;
          children.computeIfAbsent(p, k -> new ArrayList<>()).add(e.id());
        }
      }
      indegree.put(e.id(), d);
    }
    PriorityQueue<EventId> ready = new PriorityQueue<>();
    indegree.forEach((id, d) -> {
      if (d == 0) {
        ready.add(id);
      }
    });
    List<byte[]> out = new ArrayList<>(events.size());
    while (!ready.isEmpty()) {
      EventId id = ready.poll();
      out.add(events.get(id).encoded());
      for (EventId c : children.getOrDefault(id, List.of())) {
        if (indegree.merge(c, -1, Integer::sum) == 0) {
          ready.add(c);
        }
      }
    }
    return out;
  }
}
