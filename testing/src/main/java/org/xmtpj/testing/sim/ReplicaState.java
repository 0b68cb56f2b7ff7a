package org.xmtpj.testing.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.xmtpj.dag.CachingVerifier;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.SignedEvent;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.store.EventStore;
import org.xmtpj.store.Head;
import org.xmtpj.store.OriginProgress;
import org.xmtpj.store.RowEvent;
import org.xmtpj.store.TopicSummary;

/**
 * Everything one replica stores, read back through the store's public reads, and the store invariants that must
 * hold after any crash: every event verifies, every parent is stored in the same topic, heads are exactly the
 * events nothing links to, and the vector matches the stored sequences.
 */
public record ReplicaState(List<TopicSummary> topics, Map<TopicKey, Set<EventId>> ids,
    Map<TopicKey, List<EventId>> heads, Map<OriginKey, OriginProgress> vector, Map<EventId, SignedEvent> events) {

  /** Reads a replica's whole state; each event is verified with {@code verifier} (share it across replicas). */
  public static ReplicaState read(EventStore store, CachingVerifier verifier) {
    List<TopicSummary> topics = new ArrayList<>();
    TopicKey after = null;
    while (true) {
      List<TopicSummary> page = store.topics(after, 1_000);
      topics.addAll(page);
      if (page.size() < 1_000) {
        break;
      }
      after = page.get(page.size() - 1).key();
    }
    Map<TopicKey, Set<EventId>> ids = new TreeMap<>();
    Map<TopicKey, List<EventId>> heads = new TreeMap<>();
    Map<EventId, SignedEvent> events = new LinkedHashMap<>();
    for (TopicSummary t : topics) {
      Set<EventId> topicIds = new TreeSet<>();
      long row = 0;
      while (true) {
        List<RowEvent> page = store.topicRange(t.key(), row, 1_000, Long.MAX_VALUE);
        for (RowEvent e : page) {
          SignedEvent decoded = verifier.verify(e.raw());
          topicIds.add(decoded.id());
          events.put(decoded.id(), decoded);
        }
        if (page.size() < 1_000) {
          break;
        }
        row = page.get(page.size() - 1).row();
      }
      ids.put(t.key(), topicIds);
      heads.put(t.key(), store.heads(t.key()).stream().map(Head::id).sorted().toList());
    }
    return new ReplicaState(topics, ids, heads, new TreeMap<>(store.vector()), events);
  }

  /** Store invariants; returns the first violation, or null. */
  public String violation() {
    Map<TopicKey, Set<EventId>> linked = new HashMap<>();
    Map<OriginKey, Set<Long>> seqs = new HashMap<>();
    for (SignedEvent e : events.values()) {
      TopicKey topic = new TopicKey(e.event().topicId());
      if (!ids.getOrDefault(topic, Set.of()).contains(e.id())) {
        return "event " + e.id() + " is not listed in its topic " + topic;
      }
      for (EventId p : e.event().parents()) {
        SignedEvent parent = events.get(p);
        if (parent == null) {
          return "event " + e.id() + " is stored but its parent " + p + " is not (torn or orphan insert)";
        }
        if (!new TopicKey(parent.event().topicId()).equals(topic)) {
          return "event " + e.id() + " links parent " + p + " of another topic";
        }
        linked.computeIfAbsent(topic, k -> new HashSet<>()).add(p);
      }
      seqs.computeIfAbsent(new OriginKey(e.event().origin()), k -> new HashSet<>()).add(e.event().originSeq());
    }
    for (var t : ids.entrySet()) {
      Set<EventId> expected = new TreeSet<>(t.getValue());
      expected.removeAll(linked.getOrDefault(t.getKey(), Set.of()));
      if (!new TreeSet<>(heads.get(t.getKey())).equals(expected)) {
        return "topic " + t.getKey() + " heads " + heads.get(t.getKey()) + " but unlinked events are " + expected;
      }
    }
    Map<OriginKey, OriginProgress> expected = new TreeMap<>();
    seqs.forEach((origin, s) -> {
      long contiguous = 0;
      while (s.contains(contiguous + 1)) {
        contiguous++;
      }
      expected.put(origin, new OriginProgress(contiguous, s.stream().mapToLong(Long::longValue).max().orElse(0)));
    });
    for (var e : expected.entrySet()) {
      if (!e.getValue().equals(vector.get(e.getKey()))) {
        return "vector of " + e.getKey() + " is " + vector.get(e.getKey()) + " but stored events give "
            + e.getValue();
      }
    }
    for (var e : vector.entrySet()) {
      if (e.getValue().maxSeen() > 0 && !expected.containsKey(e.getKey())) {
        return "vector has " + e.getKey() + "=" + e.getValue() + " but no event of that origin is stored";
      }
    }
    return null;
  }
}
