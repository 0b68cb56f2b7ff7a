package org.xmtpj.node.ingest;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmtpj.dag.ClientEnvelope;
import org.xmtpj.dag.ClientEnvelopeCodec;
import org.xmtpj.dag.EventSigner;
import org.xmtpj.dag.PayloadType;
import org.xmtpj.dag.SignedEvent;
import org.xmtpj.dag.TopicIds;
import org.xmtpj.node.api.ApiException;
import org.xmtpj.node.api.ErrorCode;
import org.xmtpj.store.Digest;
import org.xmtpj.store.EventStore;
import org.xmtpj.store.StoredEnvelope;
import org.xmtpj.store.StoredEvent;
import org.xmtpj.store.WriterState;

/**
 * The single writer, as a two-stage pipeline. The preparer thread owns the origin sequence, the local sequence
 * and the topic heads: it dedupes, links and signs a batch. The committer thread appends it in one durable
 * transaction (group commit: whatever queued meanwhile forms the next batch) and only then acknowledges. The
 * preparer works on batch N+1 while batch N is being fsync'd, so signing costs no disk time.
 *
 * <p>If a commit fails, every batch prepared on top of it is failed too (its parents would be missing), and the
 * preparer rewinds to the state before the failed batch.
 */
public final class Originator implements Publisher, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Originator.class);
  private static final Prepared END = new Prepared(List.of(), List.of(), List.of(), null, -1);

  private final EventStore store;
  private final EventSigner signer;
  private final CommitListener listener;
  private final Clock clock;
  private final IngestMetrics metrics;
  private final int maxBatchEnvelopes;
  private final BlockingQueue<Request> queue;
  private final BlockingQueue<Prepared> toCommit = new ArrayBlockingQueue<>(8);
  private final Set<Digest> inFlight = ConcurrentHashMap.newKeySet();
  private final HeadsCache heads;
  private final Thread preparer;
  private final Thread committer;
  private volatile boolean accepting = true;
  // preparer-owned state
  private long originSeq;
  private long localSeq;
  private int generation;
  // written by the committer before acceptedGeneration, read by the preparer after it
  private volatile WriterState rewindTo;
  private volatile int acceptedGeneration;

  public Originator(EventStore store, EventSigner signer, CommitListener listener, Clock clock,
      IngestMetrics metrics, int maxBatchEnvelopes, int maxQueuedRequests) {
    this.store = store;
    this.signer = signer;
    this.listener = listener;
    this.clock = clock;
    this.metrics = metrics;
    this.maxBatchEnvelopes = maxBatchEnvelopes;
    this.queue = new LinkedBlockingQueue<>(maxQueuedRequests);
    this.heads = new HeadsCache(store, 100_000);
    WriterState state = store.writerState(signer.origin());
    this.originSeq = state.lastOriginSeq();
    this.localSeq = state.lastLocalSeq();
    this.preparer = Thread.ofPlatform().name("originator").unstarted(this::prepareLoop);
    this.committer = Thread.ofPlatform().name("committer").unstarted(this::commitLoop);
    committer.start();
    preparer.start();
  }

  @Override
  public CompletableFuture<Void> publish(List<ClientEnvelope> envelopes) {
    Request request = new Request(envelopes, new CompletableFuture<>(), System.nanoTime());
    if (!accepting) {
      request.done().completeExceptionally(shuttingDown());
    } else if (!queue.offer(request)) {
      metrics.rejectedOverload();
      request.done().completeExceptionally(new ApiException(ErrorCode.RESOURCE_EXHAUSTED, "overloaded",
          "node write queue is full; retry later"));
    } else if (!preparer.isAlive()) {
      failQueued(); // queued after the writer drained and exited: nobody else would ever answer it
    }
    return request.done();
  }

  private void prepareLoop() {
    try {
      while (accepting || !queue.isEmpty()) {
        Request first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        List<Request> batch = new ArrayList<>();
        batch.add(first);
        int envelopes = first.envelopes().size();
        Request next;
        while (envelopes < maxBatchEnvelopes && (next = queue.poll()) != null) {
          batch.add(next);
          envelopes += next.envelopes().size();
        }
        toCommit.put(prepareSafely(batch));
      }
      toCommit.put(END);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Prepared prepareSafely(List<Request> batch) {
    if (generation < acceptedGeneration) {
      rewind(rewindTo);
      generation = acceptedGeneration;
    }
    WriterState before = new WriterState(originSeq, localSeq);
    try {
      return prepare(batch, before);
    } catch (RuntimeException e) {
      LOG.error("preparing a batch of {} publishes failed", batch.size(), e);
      rewind(before);
      fail(batch, e);
      return new Prepared(List.of(), List.of(), List.of(), null, generation);
    }
  }

  /** Back to a state known to match the store; cached heads may name events that were never stored. */
  private void rewind(WriterState state) {
    originSeq = state.lastOriginSeq();
    localSeq = state.lastLocalSeq();
    heads.clear();
  }

  private Prepared prepare(List<Request> batch, WriterState before) {
    List<EventSigner.Pending> pending = new ArrayList<>();
    List<ClientEnvelope> envelopes = new ArrayList<>();
    List<Digest> digests = new ArrayList<>();
    List<StoredEnvelope> toDeliver = new ArrayList<>();
    Set<Digest> known = known(batch);
    for (Request r : batch) {
      for (ClientEnvelope env : r.envelopes()) {
        Digest digest = new Digest(env.digest());
        if (!known.add(digest)) {
          toDeliver.add(new StoredEnvelope(0, env)); // XMTP relays duplicates but stores them once
          continue;
        }
        pending.add(link(env));
        envelopes.add(env);
        digests.add(digest);
        toDeliver.add(new StoredEnvelope(before.lastLocalSeq() + pending.size(), env));
      }
    }
    List<StoredEvent> toStore = new ArrayList<>(pending.size());
    if (!pending.isEmpty()) {
      List<SignedEvent> signed = signer.signBatch(pending); // one signature for the whole batch
      for (int i = 0; i < signed.size(); i++) {
        toStore.add(new StoredEvent(before.lastLocalSeq() + i + 1, signed.get(i), envelopes.get(i), digests.get(i)));
      }
    }
    localSeq = before.lastLocalSeq() + toStore.size();
    toStore.forEach(e -> inFlight.add(e.digest()));
    return new Prepared(batch, toStore, toDeliver, before, generation);
  }

  /** Digests already stored or in a batch still being committed. In-flight is checked first: see commitLoop. */
  private Set<Digest> known(List<Request> batch) {
    Set<Digest> known = new HashSet<>();
    List<Digest> ask = new ArrayList<>();
    for (Request r : batch) {
      for (ClientEnvelope e : r.envelopes()) {
        Digest d = new Digest(e.digest());
        if (inFlight.contains(d)) {
          known.add(d);
        } else {
          ask.add(d);
        }
      }
    }
    known.addAll(store.existingDigests(ask));
    return known;
  }

  /** Assigns the next origin sequence and links the topic's heads; later events of the batch may link to it. */
  private EventSigner.Pending link(ClientEnvelope env) {
    var topicHeads = heads.get(env.contentTopic());
    EventSigner.Pending p = signer.prepare(TopicIds.of(env.contentTopic()), ++originSeq, clock.millis(),
        topicHeads.chooseParents(), PayloadType.CLIENT_ENVELOPE, ClientEnvelopeCodec.encode(env));
    topicHeads.add(p.id(), p.event().parents());
    return p;
  }

  private void commitLoop() {
    List<Prepared> group = new ArrayList<>();
    try {
      while (true) {
        group.add(toCommit.take());
        toCommit.drainTo(group);
        boolean end = group.remove(END);
        commit(group);
        group.clear();
        if (end) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Everything prepared while the previous transaction was being fsync'd goes into one transaction. */
  private void commit(List<Prepared> prepared) {
    List<Prepared> group = new ArrayList<>();
    for (Prepared p : prepared) {
      if (p.before() == null) {
        continue; // preparation failed and was answered already
      }
      if (p.generation() < acceptedGeneration) {
        release(p);
        fail(p.requests(), new IllegalStateException("an earlier batch failed to commit"));
        continue;
      }
      group.add(p);
    }
    if (group.isEmpty()) {
      return;
    }
    long start = System.nanoTime();
    List<StoredEvent> events = new ArrayList<>();
    group.forEach(p -> events.addAll(p.events()));
    try {
      store.append(events);
    } catch (RuntimeException e) {
      LOG.error("committing {} events failed", events.size(), e);
      rewindTo = group.get(0).before();
      acceptedGeneration = group.get(group.size() - 1).generation() + 1;
      group.forEach(p -> {
        release(p);
        fail(p.requests(), e);
      });
      return;
    }
    metrics.committed(group.stream().mapToInt(p -> p.requests().size()).sum(), events.size(),
        System.nanoTime() - start);
    for (Prepared p : group) {
      // stored first, then released: a preparer that misses it in flight finds it in the store
      release(p);
      listener.committed(p.deliveries());
      long now = System.nanoTime();
      for (Request r : p.requests()) {
        metrics.publishLatency(now - r.enqueuedNanos());
        r.done().complete(null);
      }
    }
  }

  private void release(Prepared p) {
    p.events().forEach(e -> inFlight.remove(e.digest()));
  }

  private static void fail(List<Request> requests, Exception cause) {
    ApiException failure = new ApiException(ErrorCode.INTERNAL, "store_error", "storing failed: "
        + cause.getMessage());
    requests.forEach(r -> r.done().completeExceptionally(failure));
  }

  /** Stops taking publishes, stores everything already queued, then returns. */
  @Override
  public void close() {
    accepting = false;
    try {
      preparer.join(30_000);
      committer.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    failQueued();
  }

  private void failQueued() {
    Request left;
    while ((left = queue.poll()) != null) {
      left.done().completeExceptionally(shuttingDown());
    }
  }

  private static ApiException shuttingDown() {
    return new ApiException(ErrorCode.UNAVAILABLE, "shutting_down", "node is shutting down");
  }

  private record Request(List<ClientEnvelope> envelopes, CompletableFuture<Void> done, long enqueuedNanos) {}

  private record Prepared(List<Request> requests, List<StoredEvent> events, List<StoredEnvelope> deliveries,
      WriterState before, int generation) {}
}
