package org.xmtpj.node.ingest;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmtpj.dag.AuthorizedEnvelopeCodec;
import org.xmtpj.dag.ClientEnvelope;
import org.xmtpj.dag.DagLimits;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.EventSigner;
import org.xmtpj.dag.OwnedTopics;
import org.xmtpj.dag.OwnerRuleException;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.SignedEvent;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.node.api.ApiException;
import org.xmtpj.node.api.ErrorCode;
import org.xmtpj.store.EventStore;

/**
 * The single writer, as a two-stage pipeline. The preparer thread ({@link BatchPreparer}) owns the origin
 * sequence and the topic heads: it dedupes, links and signs publishes and applies replicated events. The committer
 * thread appends what was prepared in one durable transaction (group commit: whatever queued meanwhile forms the
 * next batch) and only then acknowledges. The preparer works on batch N+1 while batch N is being fsync'd.
 *
 * <p>If a commit fails, every batch prepared on top of it is failed too (its parents would be missing), and the
 * preparer rewinds to the state before the failed batch.
 *
 * <p>{@link #inline} builds the same writer without threads: every request is prepared and committed on the
 * caller's thread. The deterministic simulator uses it so that the real write path runs on its scheduler.
 */
public final class Originator implements Publisher, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Originator.class);
  /** Events one pruning pass examines: bounds the time a pass holds the writer. */
  static final int PRUNE_PASS_EVENTS = 1_000;

  private final WriterPolicy policy;
  private final Clock clock;
  private final BatchPreparer preparer;
  private final Committer committer;
  private final BlockingQueue<WriteRequest> queue;
  private final BlockingQueue<Prepared> toCommit = new ArrayBlockingQueue<>(8);
  private final Thread preparerThread;
  private final Thread committerThread;
  private volatile boolean accepting = true;
  private int generation; // preparer-owned

  public Originator(EventStore store, EventSigner signer, CommitListener listener, Clock clock,
      IngestMetrics metrics, int maxBatchEnvelopes, int maxQueuedRequests) {
    this(store, signer, listener, clock, metrics, WriterPolicy.of(maxBatchEnvelopes, maxQueuedRequests), t -> 0,
        true);
  }

  private Originator(EventStore store, EventSigner signer, CommitListener listener, Clock clock,
      IngestMetrics metrics, WriterPolicy policy, ToIntFunction<TopicKey> mergeRank, boolean threaded) {
    this.policy = policy;
    this.clock = clock;
    this.queue = new LinkedBlockingQueue<>(policy.maxQueuedRequests());
    this.preparer = new BatchPreparer(store, signer, clock, policy, mergeRank);
    this.committer = new Committer(store, preparer, listener, metrics, clock);
    if (threaded) {
      preparerThread = Thread.ofPlatform().name("originator").unstarted(this::prepareLoop);
      committerThread = Thread.ofPlatform().name("committer").unstarted(this::commitLoop);
      committerThread.start();
      preparerThread.start();
    } else {
      preparerThread = null;
      committerThread = null;
    }
  }

  public static Originator threaded(EventStore store, EventSigner signer, CommitListener listener, Clock clock,
      IngestMetrics metrics, WriterPolicy policy, ToIntFunction<TopicKey> mergeRank) {
    return new Originator(store, signer, listener, clock, metrics, policy, mergeRank, true);
  }

  /** The writer without threads, for the deterministic simulator: calls complete before they return. */
  public static Originator inline(EventStore store, EventSigner signer, CommitListener listener, Clock clock,
      WriterPolicy policy, ToIntFunction<TopicKey> mergeRank) {
    return new Originator(store, signer, listener, clock, IngestMetrics.NONE, policy, mergeRank, false);
  }

  public void setReplicationListener(ReplicationListener listener) {
    committer.replication = listener;
  }

  /**
   * Events created longer than {@code retention} ago are pruned by the writer in bounded passes (zero, the
   * default: keep everything). See docs/replication.md §6.
   */
  public void setRetention(Duration retention) {
    committer.retentionMs = retention.toMillis();
  }

  /** Retention: every sequence of {@code origin} up to {@code floor} not stored here is gone for good. */
  public CompletableFuture<Void> raiseFloor(OriginKey origin, long floor) {
    WriteRequest.RaiseFloor request = new WriteRequest.RaiseFloor(origin, floor, new CompletableFuture<>());
    submit(request, false);
    return request.done();
  }

  /** Retention: these heads of the topic were superseded by events pruned before this node saw them. */
  public CompletableFuture<Integer> retireHeads(TopicKey topic, List<EventId> heads) {
    WriteRequest.RetireHeads request = new WriteRequest.RetireHeads(topic, List.copyOf(heads),
        new CompletableFuture<>());
    submit(request, false);
    return request.done();
  }

  @Override
  public CompletableFuture<Void> publish(List<ClientEnvelope> envelopes, byte[] authorization) {
    ApiException refused = unauthorized(envelopes, authorization);
    if (refused != null) {
      return CompletableFuture.failedFuture(refused);
    }
    WriteRequest.Publish request = new WriteRequest.Publish(envelopes, authorization, new CompletableFuture<>(),
        System.nanoTime());
    submit(request, true);
    return request.done();
  }

  /**
   * Why an owner-only envelope of the request may not be signed, or null: an origin never signs what replicas would
   * refuse (docs/replication.md §1.3), so the authorization is checked here with the replicas' own rule.
   */
  private static ApiException unauthorized(List<ClientEnvelope> envelopes, byte[] authorization) {
    for (ClientEnvelope e : envelopes) {
      String owner = OwnedTopics.owner(e.contentTopic());
      if (owner == null) {
        continue;
      }
      if (authorization == null) {
        return new ApiException(ErrorCode.PERMISSION_DENIED, "restricted_topic",
            e.contentTopic() + " is owner-only and the publish carries no authorization");
      }
      try {
        OwnedTopics.checkAuthorized(owner, e, authorization);
      } catch (OwnerRuleException bad) {
        return new ApiException(ErrorCode.PERMISSION_DENIED, "restricted_topic", bad.getMessage());
      }
      if (AuthorizedEnvelopeCodec.encodedLength(authorization, e) > DagLimits.MAX_PAYLOAD_BYTES) {
        return ApiException.invalid("message_too_large", "a message on owner-only topic " + e.contentTopic()
            + " travels with its authorization, and together they pass the " + DagLimits.MAX_PAYLOAD_BYTES
            + "-byte payload limit");
      }
    }
    return null;
  }

  /**
   * Stores verified, causally complete events from peers (in causal order; every parent stored or earlier in the
   * list). Completes with, per event, whether it was newly stored.
   */
  public CompletableFuture<List<Boolean>> insertReplicated(List<SignedEvent> events) {
    WriteRequest.Replicated request = new WriteRequest.Replicated(List.copyOf(events), new CompletableFuture<>());
    submit(request, false);
    return request.done();
  }

  /**
   * Inline mode: releases due hidden events, emits due merge events and prunes when due (the threaded writer
   * does it itself).
   */
  public void tick() {
    housekeeping().forEach(r -> runInline(List.of(r)));
  }

  private void submit(WriteRequest request, boolean refusable) {
    if (!accepting) {
      request.done().completeExceptionally(shuttingDown());
    } else if (preparerThread == null) {
      runInline(List.of(request));
    } else if (refusable ? !queue.offer(request) : !offerPatiently(request)) {
      committer.metrics.rejectedOverload();
      request.done().completeExceptionally(new ApiException(ErrorCode.RESOURCE_EXHAUSTED, "overloaded",
          "node write queue is full; retry later"));
    } else if (!preparerThread.isAlive()) {
      failQueued(); // queued after the writer drained and exited: nobody else would ever answer it
    }
  }

  /** Replicated events are not dropped for a burst of client load: their sender waits briefly instead. */
  private boolean offerPatiently(WriteRequest request) {
    try {
      return queue.offer(request, 5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void runInline(List<WriteRequest> batch) {
    committer.commit(List.of(prepareSafely(batch)));
  }

  private List<WriteRequest> housekeeping() {
    List<WriteRequest> out = new ArrayList<>();
    if (committer.nextHiddenDue <= clock.millis()) {
      committer.nextHiddenDue = Long.MAX_VALUE; // the committer sets the next one after releasing
      out.add(new WriteRequest.Release(clock.millis(), new CompletableFuture<>()));
    }
    preparer.mergeCandidates().forEach(t -> out.add(new WriteRequest.Merge(t, new CompletableFuture<>())));
    long retention = committer.retentionMs;
    long now = clock.millis();
    if (retention > 0 && committer.nextPruneMs <= now) {
      committer.nextPruneMs = now + pruneInterval(retention);
      out.add(new WriteRequest.Prune(now - retention, PRUNE_PASS_EVENTS, new CompletableFuture<>()));
    }
    return out;
  }

  /** A hundredth of the retention, between 1 s and 1 min: the horizon moves little between passes. */
  static long pruneInterval(long retentionMs) {
    return Math.clamp(retentionMs / 100, 1_000L, 60_000L);
  }

  private void prepareLoop() {
    try {
      long lastHousekeeping = 0;
      while (accepting || !queue.isEmpty()) {
        List<WriteRequest> batch = new ArrayList<>();
        if (System.nanoTime() - lastHousekeeping > 100_000_000L) {
          lastHousekeeping = System.nanoTime();
          batch.addAll(housekeeping());
        }
        WriteRequest first = batch.isEmpty() ? queue.poll(100, TimeUnit.MILLISECONDS) : queue.poll();
        if (first != null) {
          batch.add(first);
        }
        if (batch.isEmpty()) {
          continue;
        }
        int size = batch.stream().mapToInt(Originator::weight).sum();
        WriteRequest next;
        while (size < policy.maxBatchEnvelopes() && (next = queue.poll()) != null) {
          batch.add(next);
          size += weight(next);
        }
        toCommit.put(prepareSafely(batch));
      }
      toCommit.put(Prepared.END);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int weight(WriteRequest r) {
    return switch (r) {
      case WriteRequest.Publish p -> p.envelopes().size();
      case WriteRequest.Replicated rep -> rep.events().size();
      default -> 1;
    };
  }

  private Prepared prepareSafely(List<WriteRequest> batch) {
    if (generation < committer.acceptedGeneration) {
      preparer.rewind(committer.rewindTo);
      generation = committer.acceptedGeneration;
    }
    if (committer.pruned) {
      // the cache may hold a late parent as a head though a stored child names it (the store knows, not the
      // cache); pruning may have deleted it since, and a new event must never link to a pruned event
      committer.pruned = false;
      preparer.forgetHeads();
    }
    long before = preparer.originSeq();
    try {
      return preparer.prepare(batch, generation);
    } catch (RuntimeException e) {
      LOG.error("preparing a batch of {} write requests failed", batch.size(), e);
      preparer.rewind(before);
      Committer.fail(batch, e);
      return new Prepared(batch, List.of(), List.of(), List.of(), List.of(), List.of(), -1, generation);
    }
  }

  private void commitLoop() {
    List<Prepared> group = new ArrayList<>();
    try {
      while (true) {
        group.add(toCommit.take());
        toCommit.drainTo(group);
        boolean end = group.remove(Prepared.END);
        committer.commit(group);
        group.clear();
        if (end) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops taking publishes, stores everything already queued, then returns. */
  @Override
  public void close() {
    accepting = false;
    if (preparerThread == null) {
      return;
    }
    try {
      preparerThread.join(30_000);
      committerThread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    failQueued();
  }

  private void failQueued() {
    WriteRequest left;
    while ((left = queue.poll()) != null) {
      left.done().completeExceptionally(shuttingDown());
    }
  }

  private static ApiException shuttingDown() {
    return new ApiException(ErrorCode.UNAVAILABLE, "shutting_down", "node is shutting down");
  }
}
