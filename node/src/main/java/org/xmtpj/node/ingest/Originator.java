package org.xmtpj.node.ingest;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
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
 * The single writer. It owns the origin sequence, the local sequence and the topic heads, turns client envelopes
 * into signed events and appends them with group commit: whatever queued while the previous transaction was being
 * fsync'd goes into the next one, so one fsync serves many publishes and no publish waits on a timer.
 */
public final class Originator implements Publisher, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Originator.class);

  private final EventStore store;
  private final EventSigner signer;
  private final CommitListener listener;
  private final Clock clock;
  private final IngestMetrics metrics;
  private final int maxBatchEnvelopes;
  private final BlockingQueue<Request> queue;
  private final HeadsCache heads;
  private final Thread thread;
  private volatile boolean accepting = true;
  private long originSeq;
  private long localSeq;

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
    this.thread = Thread.ofPlatform().name("originator").unstarted(this::run);
    thread.start();
  }

  /** The highest local sequence made durable so far (subscribers catch up to it). */
  public long lastLocalSeq() {
    return localSeq;
  }

  @Override
  public CompletableFuture<Void> publish(List<ClientEnvelope> envelopes) {
    Request request = new Request(envelopes, new CompletableFuture<>(), System.nanoTime());
    if (!accepting) {
      request.done().completeExceptionally(new ApiException(ErrorCode.UNAVAILABLE, "shutting_down",
          "node is shutting down"));
    } else if (!queue.offer(request)) {
      metrics.rejectedOverload();
      request.done().completeExceptionally(new ApiException(ErrorCode.RESOURCE_EXHAUSTED, "overloaded",
          "node write queue is full; retry later"));
    } else if (!thread.isAlive()) {
      failQueued(); // queued after the writer drained and exited: nobody else would ever answer it
    }
    return request.done();
  }

  private void run() {
    List<Request> batch = new ArrayList<>();
    while (accepting || !queue.isEmpty()) {
      try {
        Request first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        int envelopes = first.envelopes().size();
        Request next;
        while (envelopes < maxBatchEnvelopes && (next = queue.poll()) != null) {
          batch.add(next);
          envelopes += next.envelopes().size();
        }
        commit(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (RuntimeException e) {
        LOG.error("write batch of {} publishes failed", batch.size(), e);
        ApiException failure = new ApiException(ErrorCode.INTERNAL, "store_error", "storing failed: "
            + e.getMessage());
        batch.forEach(r -> r.done().completeExceptionally(failure));
      } finally {
        batch.clear();
      }
    }
  }

  private void commit(List<Request> batch) {
    long start = System.nanoTime();
    long savedOriginSeq = originSeq;
    long savedLocalSeq = localSeq;
    List<StoredEvent> toStore = new ArrayList<>();
    List<StoredEnvelope> toDeliver = new ArrayList<>();
    Set<String> touched = new HashSet<>();
    Set<Digest> known = existing(batch);
    try {
      for (Request r : batch) {
        for (ClientEnvelope env : r.envelopes()) {
          Digest digest = new Digest(env.digest());
          if (!known.add(digest)) {
            toDeliver.add(new StoredEnvelope(0, env)); // XMTP relays duplicates but stores them once
            continue;
          }
          StoredEvent event = toEvent(env, digest);
          touched.add(env.contentTopic());
          toStore.add(event);
          toDeliver.add(new StoredEnvelope(event.localSeq(), env));
        }
      }
      store.append(toStore);
    } catch (RuntimeException e) {
      originSeq = savedOriginSeq;
      localSeq = savedLocalSeq;
      touched.forEach(heads::invalidate);
      throw e;
    }
    metrics.committed(batch.size(), toStore.size(), System.nanoTime() - start);
    listener.committed(toDeliver);
    long now = System.nanoTime();
    for (Request r : batch) {
      metrics.publishLatency(now - r.enqueuedNanos());
      r.done().complete(null);
    }
  }

  private Set<Digest> existing(List<Request> batch) {
    List<Digest> digests = new ArrayList<>();
    batch.forEach(r -> r.envelopes().forEach(e -> digests.add(new Digest(e.digest()))));
    return new HashSet<>(store.existingDigests(digests));
  }

  private StoredEvent toEvent(ClientEnvelope env, Digest digest) {
    var topicHeads = heads.get(env.contentTopic());
    SignedEvent signed = signer.sign(TopicIds.of(env.contentTopic()), ++originSeq, clock.millis(),
        topicHeads.chooseParents(), PayloadType.CLIENT_ENVELOPE, ClientEnvelopeCodec.encode(env));
    topicHeads.add(signed.id(), signed.event().parents());
    return new StoredEvent(++localSeq, signed, env, digest);
  }

  /** Stops taking publishes, stores everything already queued, then returns. */
  @Override
  public void close() {
    accepting = false;
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    failQueued();
  }

  private void failQueued() {
    Request left;
    while ((left = queue.poll()) != null) {
      left.done().completeExceptionally(new ApiException(ErrorCode.UNAVAILABLE, "shutting_down",
          "node is shutting down"));
    }
  }

  private record Request(List<ClientEnvelope> envelopes, CompletableFuture<Void> done, long enqueuedNanos) {}
}
