package org.xmtpj.node.ingest;

import java.util.LinkedHashMap;
import java.util.Map;
import org.xmtpj.dag.TopicHeads;
import org.xmtpj.store.EventStore;

/** Heads of recently written topics, owned by the writer thread; misses are read from the store. */
final class HeadsCache {
  private final EventStore store;
  private final Map<String, TopicHeads> cache;

  HeadsCache(EventStore store, int capacity) {
    this.store = store;
    this.cache = new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, TopicHeads> eldest) {
        return size() > capacity;
      }
    };
  }

  TopicHeads get(String topic) {
    return cache.computeIfAbsent(topic, t -> new TopicHeads(store.heads(t)));
  }

  /** After a failed append the cached heads may name events that were never stored. */
  void clear() {
    cache.clear();
  }
}
