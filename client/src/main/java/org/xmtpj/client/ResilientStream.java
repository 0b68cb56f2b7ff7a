package org.xmtpj.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmtp.proto.message.api.v1.Envelope;

/**
 * One subscription kept alive by a single owner thread: every event (opened, envelope, closed, topics changed) is
 * queued to it, so topic sets, catch-up points and the dedupe window need no locks.
 */
final class ResilientStream<T> implements XmtpStream<T> {
  private static final Logger LOG = LoggerFactory.getLogger(ResilientStream.class);
  /** Senders' clocks differ from ours; catch-up starts this far before the gap so late-stamped envelopes count. */
  static final long CLOCK_SKEW_NS = Duration.ofMinutes(5).toNanos();
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
  private static final Object CLOSED = new Object();

  /** Turns an envelope into zero or more items; throws to report the envelope as skipped. */
  interface Handler<T> {
    void handle(Envelope envelope, ResilientStream<T> stream) throws InvalidDataException;
  }

  private sealed interface Event permits Opened, Received, Ended, AddTopics, Stop {}

  private record Opened(int generation) implements Event {}

  private record Received(int generation, Envelope envelope) implements Event {}

  private record Ended(int generation, XmtpException failure) implements Event {}

  private record AddTopics(List<String> topics) implements Event {}

  private record Stop() implements Event {}

  private final NodeApi api;
  private final Handler<T> handler;
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final BlockingQueue<Object> items = new LinkedBlockingQueue<>();
  private final ConcurrentLinkedQueue<SkippedEnvelope> skipped = new ConcurrentLinkedQueue<>();
  private final CompletableFuture<Void> firstOpen = new CompletableFuture<>();
  private final RecentIds seen = new RecentIds(20_000);
  private final LinkedHashSet<String> topics;
  private final Map<String, Long> catchUpFrom = new HashMap<>();
  /**
   * Per topic the stream started with, when it started: a catch-up never reads from before that (its skew margin
   * would otherwise replay what was on the topic before the stream began). Topics added later follow from 0.
   */
  private final Map<String, Long> followedSince = new HashMap<>();
  private final Thread owner;
  private volatile boolean open = true;
  private volatile int reconnects;
  private ApiTransport.Subscription current;
  private int generation;
  private int failuresInARow;

  private ResilientStream(NodeApi api, Collection<String> topics, Handler<T> handler) {
    this.api = api;
    this.handler = handler;
    this.topics = new LinkedHashSet<>(topics);
    long startNs = api.nowNs();
    this.topics.forEach(t -> followedSince.put(t, startNs));
    this.owner = Thread.ofVirtual().name("xmtp-stream").unstarted(this::run);
  }

  /** Starts the stream and waits until the node has registered it, so nothing sent after this returns is missed. */
  static <T> ResilientStream<T> start(NodeApi api, Collection<String> topics, Handler<T> handler, Duration wait) {
    ResilientStream<T> s = new ResilientStream<>(api, topics, handler);
    api.track(s);
    s.owner.start();
    try {
      s.firstOpen.get(wait.toMillis(), TimeUnit.MILLISECONDS);
      return s;
    } catch (ExecutionException e) {
      s.close();
      throw e.getCause() instanceof XmtpException x ? x
          : new XmtpException(XmtpException.Kind.NODE_UNREACHABLE, "stream failed to start", e.getCause());
    } catch (TimeoutException e) {
      s.close();
      throw new XmtpException(XmtpException.Kind.NODE_UNREACHABLE,
          "the node at " + api.transport().endpoint() + " did not open the stream within " + wait);
    } catch (InterruptedException e) {
      s.close();
      Thread.currentThread().interrupt();
      throw new XmtpException(XmtpException.Kind.CLOSED, "interrupted while opening a stream");
    }
  }

  /** Called by handlers: deliver an item unless this envelope was delivered before. */
  void emit(T item) {
    items.add(item);
  }

  /** Called by handlers (on the owner thread) or anyone: also follow these topics, from their first envelope. */
  void addTopics(Collection<String> more) {
    events.add(new AddTopics(List.copyOf(more)));
  }

  private void run() {
    subscribe();
    try {
      while (open) {
        Event e = events.take();
        switch (e) {
          case Opened o when o.generation() == generation -> onOpened();
          case Received r when r.generation() == generation -> deliver(r.envelope());
          case Ended d when d.generation() == generation -> onEnded(d.failure());
          case AddTopics a -> onAddTopics(a.topics());
          case Stop s -> open = false;
          default -> { } // an event of a subscription already replaced
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      open = false;
      if (current != null) {
        current.close();
      }
      items.add(CLOSED);
    }
  }

  private void subscribe() {
    int g = ++generation;
    if (current != null) {
      current.close();
    }
    try {
      current = api.transport().subscribe(List.copyOf(topics), listener(g));
    } catch (RuntimeException e) {
      // e.g. the client was closed under us: handled like any lost connection (close() ends the loop)
      current = null;
      events.add(new Ended(g, e instanceof XmtpException x ? x
          : new XmtpException(XmtpException.Kind.CLOSED, "cannot subscribe: " + e.getMessage(), e)));
    }
  }

  private ApiTransport.Listener listener(int g) {
    return new ApiTransport.Listener() {
      @Override
      public void onOpen() {
        events.add(new Opened(g));
      }

      @Override
      public void onEnvelope(Envelope envelope) {
        events.add(new Received(g, envelope));
      }

      @Override
      public void onClosed(XmtpException failure) {
        events.add(new Ended(g, failure));
      }
    };
  }

  private void onOpened() {
    failuresInARow = 0;
    firstOpen.complete(null);
    Map<String, Long> due = new HashMap<>(catchUpFrom);
    catchUpFrom.clear();
    for (Map.Entry<String, Long> gap : due.entrySet()) {
      try {
        long from = Math.max(gap.getValue(), followedSince.getOrDefault(gap.getKey(), 0L));
        for (Envelope e : api.queryAll(gap.getKey(), Math.max(0, from), 0, false, 0)) {
          deliver(e);
        }
      } catch (XmtpException ex) {
        // the node went away again; keep the gap to fill after the next reconnect
        catchUpFrom.merge(gap.getKey(), gap.getValue(), Math::min);
        LOG.debug("catch-up of {} failed: {}", gap.getKey(), ex.getMessage());
      }
    }
  }

  private void onEnded(XmtpException failure) {
    if (!firstOpen.isDone()) {
      firstOpen.completeExceptionally(failure != null ? failure
          : new XmtpException(XmtpException.Kind.NODE_UNREACHABLE, "the node ended the stream at once"));
      open = false;
      return;
    }
    long gapStart = api.nowNs() - CLOCK_SKEW_NS;
    for (String t : topics) {
      catchUpFrom.merge(t, gapStart, Math::min);
    }
    reconnects++;
    failuresInARow++;
    long backoff = Math.min(MAX_BACKOFF.toMillis(), 250L << Math.min(6, failuresInARow - 1));
    long jittered = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
    LOG.info("stream lost ({}); reconnecting in {} ms", failure == null ? "closed by the node" : failure.getMessage(),
        jittered);
    try {
      Thread.sleep(jittered);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      open = false;
      return;
    }
    if (open) {
      subscribe();
    }
  }

  private void onAddTopics(List<String> added) {
    List<String> fresh = added.stream().filter(t -> !topics.contains(t)).distinct().toList();
    if (fresh.isEmpty()) {
      return; // nothing to resubscribe for; pending catch-ups stay as they are
    }
    // the old subscription is replaced, so its topics get a gap to fill from the switch on
    long switchPoint = api.nowNs() - CLOCK_SKEW_NS;
    for (String t : topics) {
      catchUpFrom.merge(t, switchPoint, Math::min);
    }
    for (String t : fresh) {
      topics.add(t);
      catchUpFrom.put(t, 0L);
    }
    subscribe();
  }

  private void deliver(Envelope envelope) {
    if (!seen.add(envelope.getContentTopic(), envelope.getMessage())) {
      return;
    }
    try {
      handler.handle(envelope, this);
    } catch (InvalidDataException e) {
      skipped.add(new SkippedEnvelope(envelope.getContentTopic(), envelope.getTimestampNs(), e.getMessage()));
    } catch (RuntimeException e) {
      skipped.add(new SkippedEnvelope(envelope.getContentTopic(), envelope.getTimestampNs(), e.toString()));
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public T poll(Duration timeout) throws InterruptedException {
    Object o = items.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    if (o == CLOSED) {
      items.add(CLOSED);
      throw new XmtpException(XmtpException.Kind.CLOSED, "stream is closed");
    }
    return (T) o;
  }

  @Override
  @SuppressWarnings("unchecked")
  public T take() throws InterruptedException {
    Object o = items.take();
    if (o == CLOSED) {
      items.add(CLOSED);
      throw new XmtpException(XmtpException.Kind.CLOSED, "stream is closed");
    }
    return (T) o;
  }

  @Override
  public List<SkippedEnvelope> drainSkipped() {
    List<SkippedEnvelope> out = new ArrayList<>();
    for (SkippedEnvelope s = skipped.poll(); s != null; s = skipped.poll()) {
      out.add(s);
    }
    return out;
  }

  @Override
  public int reconnects() {
    return reconnects;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    events.add(new Stop());
    api.untrack(this);
  }
}
