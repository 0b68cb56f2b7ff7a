package org.xmtpj.node.replication;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.SignedEvent;

/** Parents before children within one received batch (peers should send that order; nobody has to). */
final class Topo {
  private Topo() {}

  static List<SignedEvent> order(Map<EventId, SignedEvent> batch) {
    Map<EventId, Integer> indegree = new HashMap<>();
    Map<EventId, List<EventId>> children = new HashMap<>();
    for (SignedEvent e : batch.values()) {
      int d = 0;
      for (EventId p : e.event().parents()) {
        if (batch.containsKey(p)) {
          d++;
          children.computeIfAbsent(p, k -> new ArrayList<>()).add(e.id());
        }
      }
      indegree.put(e.id(), d);
    }
    ArrayList<EventId> queue = new ArrayList<>();
    batch.keySet().forEach(id -> {
      if (indegree.get(id) == 0) {
        queue.add(id);
      }
    });
    List<SignedEvent> out = new ArrayList<>(batch.size());
    for (int i = 0; i < queue.size(); i++) {
      EventId id = queue.get(i);
      out.add(batch.get(id));
      for (EventId c : children.getOrDefault(id, List.of())) {
        if (indegree.merge(c, -1, Integer::sum) == 0) {
          queue.add(c);
        }
      }
    }
    return out;
  }
}
