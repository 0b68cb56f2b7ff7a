package org.xmtpj.node.subscribe;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicInteger;
import org.xmtpj.node.ingest.CommitListener;
import org.xmtpj.store.EventStore;
import org.xmtpj.store.StoredEnvelope;

/**
 * In-memory fan-out of committed envelopes to live subscriptions. No database polling: the writer hands each
 * commit here. A subscriber that cannot keep up reads what it missed from the store instead of losing it.
 */
public final class SubscriptionHub implements CommitListener {
  private final EventStore store;
  private final int queueCapacity;
  private final Duration keepAliveInterval;
  private final SubscriptionMetrics metrics;
  private final Map<String, Set<Subscription>> byTopic = new ConcurrentHashMap<>();
  private final Set<Subscription> allTopics = new CopyOnWriteArraySet<>();
  private final AtomicInteger active = new AtomicInteger();
  private volatile long publishedSeq;

  public SubscriptionHub(EventStore store, long lastLocalSeq, int queueCapacity, Duration keepAliveInterval,
      SubscriptionMetrics metrics) {
    this.store = store;
    this.queueCapacity = queueCapacity;
    this.keepAliveInterval = keepAliveInterval;
    this.metrics = metrics;
    this.publishedSeq = lastLocalSeq;
  }

  @Override
  public void committed(List<StoredEnvelope> envelopes) {
    for (StoredEnvelope e : envelopes) {
      if (e.localSeq() > 0) {
        publishedSeq = e.localSeq();
      }
      deliver(e);
    }
  }

  /** Ephemeral envelopes: relayed to whoever listens now, never stored. */
  public void relay(List<StoredEnvelope> envelopes) {
    envelopes.forEach(this::deliver);
  }

  private void deliver(StoredEnvelope e) {
    Set<Subscription> subs = byTopic.get(e.envelope().contentTopic());
    if (subs != null) {
      subs.forEach(s -> s.offer(e));
    }
    allTopics.forEach(s -> s.offer(e));
  }

  long publishedSeq() {
    return publishedSeq;
  }

  EventStore store() {
    return store;
  }

  /**
   * Starts a subscription; envelopes committed after this call are delivered. {@code topics == null} means every
   * topic. The delivery loop runs on its own virtual thread until the sink fails or {@link Subscription#close()}.
   *
   * @param transport the metrics label of the API the subscription came through
   */
  public Subscription subscribe(Set<String> topics, EnvelopeSink sink, String transport) {
    Subscription s = new Subscription(this, topics, sink, queueCapacity, keepAliveInterval, metrics);
    register(s, topics);
    // counted only once registered, so that whoever sees the count knows later commits will be delivered
    metrics.opened(transport);
    active.incrementAndGet();
    metrics.subscribers(active.get());
    Thread.ofVirtual().name("subscription").start(s::run);
    return s;
  }

  void changeTopics(Subscription s, Set<String> oldTopics, Set<String> newTopics) {
    register(s, newTopics);
    unregister(s, oldTopics, newTopics);
  }

  private void register(Subscription s, Set<String> topics) {
    if (topics == null) {
      allTopics.add(s);
    } else {
      topics.forEach(t -> byTopic.computeIfAbsent(t, k -> new CopyOnWriteArraySet<>()).add(s));
    }
  }

  private void unregister(Subscription s, Set<String> topics, Set<String> keep) {
    if (topics == null) {
      if (keep != null) {
        allTopics.remove(s);
      }
      return;
    }
    for (String t : topics) {
      if (keep != null && keep.contains(t)) {
        continue;
      }
      byTopic.computeIfPresent(t, (k, set) -> {
        set.remove(s);
        return set.isEmpty() ? null : set;
      });
    }
  }

  void removed(Subscription s, Set<String> topics) {
    unregister(s, topics, null);
    allTopics.remove(s);
    metrics.subscribers(active.decrementAndGet());
  }

  /** Ends every stream (shutdown); clients reconnect elsewhere or later. */
  public void closeAll() {
    allTopics.forEach(Subscription::close);
    byTopic.values().forEach(set -> set.forEach(Subscription::close));
  }

  public int activeSubscriptions() {
    return active.get();
  }
}
