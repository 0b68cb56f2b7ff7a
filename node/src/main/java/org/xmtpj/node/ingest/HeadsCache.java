package org.xmtpj.node.ingest;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.TopicHeads;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.store.EventStore;
import org.xmtpj.store.Head;

/** Heads of recently written topics, owned by the writer thread; misses are read from the store. */
final class HeadsCache {
  private final EventStore store;
  private final Map<TopicKey, TopicHeads> cache;

  HeadsCache(EventStore store, int capacity) {
    this.store = store;
    this.cache = new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<TopicKey, TopicHeads> eldest) {
        return size() > capacity;
      }
    };
  }

  TopicHeads get(TopicKey topic) {
    return cache.computeIfAbsent(topic, t -> {
      List<Head> heads = store.heads(t);
      Map<EventId, Long> hidden = new HashMap<>();
      heads.forEach(h -> hidden.put(h.id(), h.hiddenUntilMs()));
      return new TopicHeads(heads.stream().map(Head::id).toList(), hidden);
    });
  }

  /** The store's heads of this topic are about to change outside an append (retention retires some). */
  void forget(TopicKey topic) {
    cache.remove(topic);
  }

  /** After a failed append the cached heads may name events that were never stored. */
  void clear() {
    cache.clear();
  }
}
