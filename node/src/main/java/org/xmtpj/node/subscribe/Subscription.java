package org.xmtpj.node.subscribe;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmtpj.store.StoredEnvelope;

/**
 * One live stream. Live envelopes go through a bounded queue; when it overflows the subscription switches to
 * catch-up and reads the stored envelopes it skipped from the store, in local order, until it reaches the live
 * edge again. Only envelopes that were never stored (ephemeral topics, relayed duplicates) can be skipped then,
 * and those are counted.
 */
public final class Subscription {
  private static final Logger LOG = LoggerFactory.getLogger(Subscription.class);
  private static final int CATCH_UP_PAGE = 500;
  /** What one catch-up read may hold: 500 envelopes of 1 MiB would be 500 MiB for one slow subscriber. */
  private static final long CATCH_UP_BYTES = 2L << 20;

  private final SubscriptionHub hub;
  private final String client;
  private final EnvelopeSink sink;
  private final BlockingQueue<Item> queue;
  private final Duration keepAliveInterval;
  private final SubscriptionMetrics metrics;
  private volatile Set<String> topics; // written under topicLock
  private volatile boolean closed;
  // orders topic changes against the final release; never the monitor, which the writer's offer() takes
  private final Object topicLock = new Object();
  // guarded by this
  private boolean catchingUp;
  // only the delivery thread
  private long lastDeliveredSeq;

  Subscription(SubscriptionHub hub, String client, Set<String> topics, EnvelopeSink sink, int capacity,
      Duration keepAlive, SubscriptionMetrics metrics) {
    this.hub = hub;
    this.client = client;
    this.topics = topics == null ? null : Set.copyOf(topics);
    this.sink = sink;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.keepAliveInterval = keepAlive;
    this.metrics = metrics;
    this.lastDeliveredSeq = hub.publishedSeq();
  }

  /** Called by the writer thread: never blocks. */
  synchronized void offer(StoredEnvelope e) {
    if (closed) {
      return;
    }
    if (catchingUp) {
      if (e.localSeq() == 0) {
        metrics.droppedUnstored();
      }
      return;
    }
    if (queue.offer(new Item(e, System.nanoTime()))) {
      return;
    }
    if (e.localSeq() == 0) {
      metrics.droppedUnstored();
      return;
    }
    catchingUp = true;
    metrics.fellBehind();
  }

  /**
   * Replaces the topic set (gRPC Subscribe2). Envelopes of dropped topics may still arrive briefly.
   *
   * @throws StreamRefused when the new set would pass a topic limit; the old set stays then
   */
  public void changeTopics(Set<String> newTopics) {
    Set<String> next = Set.copyOf(newTopics);
    synchronized (topicLock) {
      if (closed) {
        return; // its room is given back already (or about to be): booking more would never be released
      }
      hub.changeTopics(this, topics, next);
      topics = next;
    }
  }

  String client() {
    return client;
  }

  /** Ends the stream promptly: the delivery loop is woken rather than left waiting for its next poll. */
  public void close() {
    closed = true;
    queue.offer(WAKE);
  }

  public boolean isClosed() {
    return closed;
  }

  void run() {
    try {
      while (!closed) {
        Item item = queue.poll(keepAliveInterval.toMillis(), TimeUnit.MILLISECONDS);
        if (item == WAKE || closed) {
          break;
        }
        if (item != null) {
          send(item.envelope());
          metrics.delivered(System.nanoTime() - item.offeredNanos());
        } else if (needsCatchUp()) {
          catchUp();
        } else if (!closed) {
          sink.keepAlive();
        }
      }
    } catch (IOException e) {
      LOG.debug("subscriber went away: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.warn("subscription failed", e);
      sink.fail("internal error: " + e.getMessage());
    } finally {
      hub.removed(this, closeForGood());
      sink.closed();
    }
  }

  /** Marks it closed and returns its last topic set, so that no topic change slips in between. */
  private Set<String> closeForGood() {
    synchronized (topicLock) {
      closed = true;
      return topics;
    }
  }

  private synchronized boolean needsCatchUp() {
    return catchingUp && queue.isEmpty();
  }

  private void send(StoredEnvelope e) throws IOException {
    if (e.localSeq() > 0) {
      if (e.localSeq() <= lastDeliveredSeq) {
        return; // already delivered from the store during catch-up
      }
      lastDeliveredSeq = e.localSeq();
    }
    sink.send(e.envelope());
  }

  /**
   * Reads from the store until the live edge. Commit precedes hand-off to the hub, so a store read started after
   * observing published sequence p contains everything up to p; if nothing was published meanwhile, live delivery
   * can resume without a gap.
   */
  private void catchUp() throws IOException {
    long from = lastDeliveredSeq;
    while (!closed) {
      long published = hub.publishedSeq();
      List<StoredEnvelope> page = hub.store().readAfter(from, topics, CATCH_UP_PAGE, CATCH_UP_BYTES);
      for (StoredEnvelope e : page) {
        send(e);
        from = e.localSeq();
      }
      if (page.isEmpty()) { // a short page may have ended at its byte bound: only an empty one is the edge
        from = Math.max(from, published);
        synchronized (this) {
          if (hub.publishedSeq() == published) {
            catchingUp = false;
            lastDeliveredSeq = Math.max(lastDeliveredSeq, published);
            return;
          }
        }
      }
    }
  }

  private record Item(StoredEnvelope envelope, long offeredNanos) {}

  private static final Item WAKE = new Item(null, 0);
}
