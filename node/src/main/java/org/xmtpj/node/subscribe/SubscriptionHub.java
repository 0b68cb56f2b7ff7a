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
  private final StreamBudget budget;
  private volatile long publishedSeq;

  public SubscriptionHub(EventStore store, long lastLocalSeq, int queueCapacity, Duration keepAliveInterval,
      StreamLimits limits, SubscriptionMetrics metrics) {
    this.store = store;
    this.budget = new StreamBudget(limits);
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
   * Room booked for one stream of {@code client} ({@link StreamLimits}), before anything is sent to it: a transport
   * that must answer before the stream opens (HTTP sends its headers first) admits, then {@link #open}s. Closing an
   * admission that was not opened gives the room back.
   */
  public final class Admission implements AutoCloseable {
    private final String client;
    private final Set<String> topics; // null: every topic
    private boolean used;

    private Admission(String client, Set<String> topics) {
      this.client = client;
      this.topics = topics;
    }

    @Override
    public synchronized void close() {
      if (!used) {
        used = true;
        budget.release(client, count(topics));
      }
    }

    /** A SubscribeAll stream: every topic. */
    public boolean allTopics() {
      return topics == null;
    }

    private synchronized void use() {
      if (used) {
        throw new IllegalStateException("admission already used or closed");
      }
      used = true;
    }
  }

  /**
   * Books a stream of {@code client} on {@code topics} ({@code null}: every topic).
   *
   * @throws StreamRefused when a {@link StreamLimits} bound would be passed; nothing is booked then
   */
  public Admission admit(String client, Set<String> topics) {
    Set<String> copy = topics == null ? null : Set.copyOf(topics);
    budget.admit(client, count(copy));
    return new Admission(client, copy);
  }

  /**
   * Starts the admitted subscription; envelopes committed after this call are delivered. The delivery loop runs
   * on its own virtual thread until the sink fails or {@link Subscription#close()}, and gives the room back then.
   *
   * @param transport the metrics label of the API the subscription came through
   */
  public Subscription open(Admission admission, EnvelopeSink sink, String transport) {
    admission.use();
    Subscription s = new Subscription(this, admission.client, admission.topics, sink, queueCapacity,
        keepAliveInterval, metrics);
    register(s, admission.topics);
    active.incrementAndGet();
    try {
      Thread.ofVirtual().name("subscription").start(s::run);
    } catch (RuntimeException | Error e) {
      removed(s, admission.topics); // no delivery loop to give the room back: give it back here
      throw e;
    }
    // counted only once registered, so that whoever sees the count knows later commits will be delivered
    metrics.opened(transport);
    metrics.subscribers(active.get());
    return s;
  }

  /** {@link #admit} and {@link #open} in one step. */
  public Subscription subscribe(String client, Set<String> topics, EnvelopeSink sink, String transport) {
    return open(admit(client, topics), sink, transport);
  }

  private static int count(Set<String> topics) {
    return topics == null ? -1 : topics.size();
  }

  /** @throws StreamRefused when the new set would pass a topic limit; nothing changes then */
  void changeTopics(Subscription s, Set<String> oldTopics, Set<String> newTopics) {
    if (oldTopics == null || newTopics == null) {
      throw new IllegalArgumentException("a SubscribeAll stream keeps every topic");
    }
    budget.resize(s.client(), oldTopics.size(), newTopics.size());
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
    budget.release(s.client(), count(topics));
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

  /** Clients holding at least one stream: what the budget's table holds. */
  public int clientsWithStreams() {
    return budget.clientsTracked();
  }
}
