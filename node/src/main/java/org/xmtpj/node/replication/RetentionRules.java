package org.xmtpj.node.replication;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.xmtpj.dag.EventCodec;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.SignedEvent;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.store.Head;
import org.xmtpj.store.OriginProgress;

/**
 * The replication side of retention (docs/replication.md §6): below the horizon (now − retention) an event may
 * lack parents for good, an origin's sequence may have gaps a peer declared pruned, and a head may have lost its
 * children to pruning before this node saw them. Above the horizon every rule stays strict. Everything here is a
 * no-op when retention is off. Runs on the replication thread.
 */
final class RetentionRules {
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
  private final Replicator r;
  private final RetireVotes retireVotes = new RetireVotes();
  private final FloorVotes floorVotes = new FloorVotes();

  RetentionRules(Replicator r) {
    this.r = r;
  }

  boolean enabled() {
    return r.config.retention().isPositive();
  }

  /** Created before the horizon: its missing parents may have been pruned everywhere, so they count as present. */
  boolean belowHorizon(SignedEvent e) {
    return enabled() && e.event().createdAtMs() < r.clock.millis() - r.config.retention().toMillis();
  }

  /** Not stored, below the horizon and at or under its origin's floor: pruned here (or declared so); never again. */
  boolean prunedHere(SignedEvent e) {
    return belowHorizon(e) && e.event().originSeq() <= r.store.floor(new OriginKey(e.event().origin()));
  }

  /**
   * An origin range came back empty though the peer advertised more: if its floor covers the range start, it
   * pruned the rest, which is not withholding. Returns true (and raises our floor) in that case. The floor counts
   * only as far as a second peer declares it too ({@link FloorVotes}).
   */
  boolean prunedRange(OriginKey peer, OriginKey origin, long from, EventsReply reply) {
    long floor = believedFloor(peer, origin, reply);
    if (!enabled() || floor < from || contiguous(origin) < from - 1) {
      return false;
    }
    r.log.raiseFloor(origin, floor);
    return true;
  }

  /** The peer's floor as far as a second peer backs it ({@link FloorVotes}); 0 with retention off. */
  private long believedFloor(OriginKey peer, OriginKey origin, EventsReply reply) {
    return enabled() ? floorVotes.vote(peer, origin, reply.floor(), r.peers.size()) : 0;
  }

  /**
   * After a page of an origin range was ingested: every sequence from {@code from} up to the peer's floor (or the
   * last returned event, if more follow) that the page lacks was pruned at the peer, so our floor may rise over
   * it. It stops below the first page event we did not store (still waiting for parents, or rejected), and only
   * applies if everything before {@code from} is accounted for here, since a floor covers all below it.
   */
  CompletableFuture<Void> afterRangePage(OriginKey peer, OriginKey origin, long from, EventsReply reply) {
    long floor = believedFloor(peer, origin, reply);
    if (!enabled() || floor < from || reply.events().isEmpty() || contiguous(origin) < from - 1) {
      return DONE;
    }
    List<SignedEvent> page = reply.events().stream().map(EventCodec::decode).toList();
    Set<EventId> stored = r.store.existingIds(page.stream().map(SignedEvent::id).toList());
    long target = reply.more() ? Math.min(floor, page.get(page.size() - 1).event().originSeq()) : floor;
    for (SignedEvent e : page) {
      if (e.event().originSeq() <= target && !stored.contains(e.id())) {
        target = Math.min(target, e.event().originSeq() - 1);
      }
    }
    if (target <= Math.max(r.store.floor(origin), contiguous(origin))) {
      return DONE;
    }
    return r.log.raiseFloor(origin, target);
  }

  /**
   * Reconciliation found a topic whose heads differ while the contiguous vectors agree, and we hold all the peer's
   * heads: an extra head of ours that is old and within its origin's contiguous prefix (which the peer shares, so
   * the peer has or pruned it, and it is not a head there) lost its children to pruning before we saw them. It
   * stops being a head here too, and the fingerprints converge. A head above a gap may simply be missing at the
   * peer: it stays. Two peers must say so ({@link RetireVotes}), so that one liar cannot retire honest heads.
   */
  void retireSuperseded(OriginKey from, TopicKey topic, List<EventId> theirHeads) {
    if (!enabled() || from == null || theirHeads.isEmpty()) {
      return;
    }
    Set<EventId> theirs = new HashSet<>(theirHeads);
    if (r.store.existingIds(theirs).size() < theirs.size()) {
      return;
    }
    List<EventId> old = r.store.heads(topic).stream().map(Head::id).filter(id -> !theirs.contains(id))
        .filter(id -> r.store.event(id).map(raw -> superseded(EventCodec.decode(raw))).orElse(false)).toList();
    // one peer's word retires nothing while there is a second peer to ask (RetireVotes)
    List<EventId> agreed = old.isEmpty() ? old : retireVotes.vote(from, old, r.peers.size());
    if (!agreed.isEmpty()) {
      r.log.retireHeads(topic, agreed);
    }
  }

  /** Old heads that one peer, but not yet a second, reported superseded (for tests). */
  int headsAwaitingASecondVote() {
    return retireVotes.pending();
  }

  private boolean superseded(SignedEvent head) {
    return belowHorizon(head)
        && head.event().originSeq() <= contiguous(new OriginKey(head.event().origin()));
  }

  private long contiguous(OriginKey origin) {
    OriginProgress p = r.store.vector().get(origin);
    return p == null ? 0 : p.contiguous();
  }
}
