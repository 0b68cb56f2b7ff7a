package org.xmtpj.node.ingest;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmtpj.node.api.ApiException;
import org.xmtpj.node.api.ErrorCode;
import org.xmtpj.store.AppendResult;
import org.xmtpj.store.EventStore;
import org.xmtpj.store.StoredEnvelope;
import org.xmtpj.store.StoredEvent;

/**
 * The second stage of the writer: the only caller of the store's mutating methods. Everything prepared while the
 * previous transaction was being fsync'd goes into one transaction; acknowledgements follow the commit.
 */
final class Committer {
  private static final Logger LOG = LoggerFactory.getLogger(Committer.class);

  private final EventStore store;
  private final BatchPreparer preparer;
  private final CommitListener listener;
  final IngestMetrics metrics;
  private final Clock clock;
  volatile ReplicationListener replication = ReplicationListener.NONE;
  // written before acceptedGeneration, read by the preparer after it
  volatile long rewindTo;
  volatile int acceptedGeneration;
  /** Earliest hidden-until time the store holds; the preparer asks for a release once it has passed. */
  volatile long nextHiddenDue;
  /** Retention in ms, 0 to keep everything (set at start). */
  volatile long retentionMs;
  /** When the preparer asks for the next pruning pass; 0 after a pass that stopped at its bound (a backlog). */
  volatile long nextPruneMs;
  /** A pass deleted events: the preparer reloads its cached heads from the store before the next batch. */
  volatile boolean pruned;

  Committer(EventStore store, BatchPreparer preparer, CommitListener listener, IngestMetrics metrics, Clock clock) {
    this.store = store;
    this.preparer = preparer;
    this.listener = listener;
    this.metrics = metrics;
    this.clock = clock;
    this.nextHiddenDue = store.nextHiddenDue().orElse(Long.MAX_VALUE);
  }

  void commit(List<Prepared> prepared) {
    List<Prepared> group = new ArrayList<>();
    for (Prepared p : prepared) {
      if (p.failed()) {
        continue; // answered already
      }
      if (p.generation() < acceptedGeneration) {
        release(p);
        fail(p.requests(), new IllegalStateException("an earlier batch failed to commit"));
        continue;
      }
      group.add(p);
    }
    if (!group.isEmpty()) {
      commitGroup(group);
    }
  }

  private void commitGroup(List<Prepared> group) {
    long start = System.nanoTime();
    List<StoredEvent> events = new ArrayList<>();
    group.forEach(p -> events.addAll(p.events()));
    AppendResult result;
    List<StoredEnvelope> released;
    try {
      result = store.append(events);
      released = releasesRequested(group) ? store.releaseDue(clock.millis()) : List.of();
    } catch (RuntimeException e) {
      LOG.error("committing {} events failed", events.size(), e);
      rewindTo = group.get(0).originSeqBefore();
      acceptedGeneration = group.get(group.size() - 1).generation() + 1;
      group.forEach(p -> {
        release(p);
        fail(p.requests(), e);
      });
      return;
    }
    if (events.stream().anyMatch(e -> e.hiddenUntilMs() > 0) || releasesRequested(group)) {
      nextHiddenDue = store.nextHiddenDue().orElse(Long.MAX_VALUE);
    }
    metrics.committed(countPublishes(group), events.size(), System.nanoTime() - start);
    // stored first, then released: a preparer that misses it in flight finds it in the store
    group.forEach(this::release);
    deliver(group, result, released);
    answer(group, result);
    retention(group);
  }

  /** Retention requests, each its own transaction after the group's append; a failure fails only that request. */
  private void retention(List<Prepared> group) {
    for (Prepared p : group) {
      for (WriteRequest r : p.requests()) {
        try {
          switch (r) {
            case WriteRequest.Prune pr -> afterPrune(pr, store.prune(pr.horizonMs(), pr.maxEvents()));
            case WriteRequest.RaiseFloor rf -> {
              store.raiseFloor(rf.origin(), rf.floor());
              rf.done().complete(null);
            }
            case WriteRequest.RetireHeads rh -> rh.done().complete(store.retireHeads(rh.topic(), rh.heads()));
            default -> { }
          }
        } catch (RuntimeException e) {
          LOG.warn("retention: {} failed", r.getClass().getSimpleName(), e);
          r.done().completeExceptionally(e);
        }
      }
    }
  }

  private void afterPrune(WriteRequest.Prune request, org.xmtpj.store.PruneResult result) {
    if (result.more()) {
      nextPruneMs = 0; // more old events wait: the next pass comes with the next housekeeping round
    }
    if (result.pruned() > 0) {
      pruned = true;
      LOG.debug("retention: pruned {} events created before {}", result.pruned(), request.horizonMs());
    }
    if (!result.visible().isEmpty()) {
      listener.committed(result.visible()); // a duplicate took over a pruned representative's digest
    }
    request.done().complete(result);
  }

  private void deliver(List<Prepared> group, AppendResult result, List<StoredEnvelope> released) {
    List<StoredEnvelope> out = new ArrayList<>(result.visible());
    group.forEach(p -> out.addAll(p.relayed()));
    out.addAll(released);
    if (!out.isEmpty()) {
      listener.committed(out);
    }
    List<org.xmtpj.dag.SignedEvent> originated = new ArrayList<>();
    group.forEach(p -> originated.addAll(p.originated()));
    if (!originated.isEmpty()) {
      replication.originated(originated);
    }
    if (!result.evidence().isEmpty()) {
      LOG.warn("equivocation: {} conflicting event pairs recorded", result.evidence().size());
      replication.evidence(result.evidence());
    }
  }

  private void answer(List<Prepared> group, AppendResult result) {
    int offset = 0;
    long now = System.nanoTime();
    for (Prepared p : group) {
      for (int i = 0; i < p.requests().size(); i++) {
        WriteRequest r = p.requests().get(i);
        int[] span = p.spans().get(i);
        switch (r) {
          case WriteRequest.Publish pub -> {
            metrics.publishLatency(now - pub.enqueuedNanos());
            pub.done().complete(null);
          }
          case WriteRequest.Replicated rep -> rep.done().complete(
              List.copyOf(result.inserted().subList(offset + span[0], offset + span[0] + span[1])));
          case WriteRequest.Merge m -> m.done().complete(null);
          case WriteRequest.Release rel -> rel.done().complete(null);
          case WriteRequest.Prune pr -> { } // answered by retention(), after this
          case WriteRequest.RaiseFloor rf -> { }
          case WriteRequest.RetireHeads rh -> { }
        }
      }
      offset += p.events().size();
    }
  }

  private static boolean releasesRequested(List<Prepared> group) {
    return group.stream().anyMatch(p -> p.requests().stream().anyMatch(r -> r instanceof WriteRequest.Release));
  }

  private static int countPublishes(List<Prepared> group) {
    return (int) group.stream().flatMap(p -> p.requests().stream())
        .filter(r -> r instanceof WriteRequest.Publish).count();
  }

  /** Replicated events never entered the in-flight digests: only this node's publishes did. */
  private void release(Prepared p) {
    p.events().forEach(e -> preparer.inFlightIds.remove(e.event().id()));
    p.digests().forEach(preparer.inFlightDigests::remove);
  }

  static void fail(List<WriteRequest> requests, Exception cause) {
    ApiException failure = cause instanceof org.xmtpj.store.StoreDamagedException d ? ApiException.storeDamaged(d)
        : new ApiException(ErrorCode.INTERNAL, "store_error", "storing failed: " + cause.getMessage());
    requests.forEach(r -> ((CompletableFuture<?>) r.done()).completeExceptionally(failure));
  }
}
