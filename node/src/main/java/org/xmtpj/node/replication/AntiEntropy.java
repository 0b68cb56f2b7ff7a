package org.xmtpj.node.replication;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xmtpj.dag.EventCodec;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.store.OriginProgress;
import org.xmtpj.store.TopicSummary;

/**
 * Repair for lost pushes and dormant topics. Every interval (±30 % jitter) one peer is synced: vectors are
 * compared (one call whose size depends on the number of origins, not topics), the origins where the peer is
 * ahead are pulled by sequence range and those where we are ahead are pushed. When no contiguous range differs but
 * the fingerprints do, the bucket hashes locate the topics that differ and their heads are fetched with their
 * ancestors. Runs on the replication thread.
 */
final class AntiEntropy {
  private static final int MAX_BUCKETS_PER_ROUND = 16;
  private final Replicator r;
  private final java.util.Set<OriginKey> pulling = new java.util.HashSet<>();
  private int next;

  AntiEntropy(Replicator r) {
    this.r = r;
  }

  void scheduleNext() {
    long mean = r.config.antiEntropyInterval().toMillis();
    long jittered = (long) (mean * (0.7 + 0.6 * r.random.nextDouble()));
    r.scheduler.schedule(Duration.ofMillis(Math.max(1, jittered)), () -> {
      if (!r.running()) {
        return;
      }
      List<PeerState> usable = r.usablePeers();
      if (!usable.isEmpty()) {
        sync(usable.get(Math.floorMod(next++, usable.size())));
      }
      scheduleNext();
    });
  }

  void syncSoon(PeerState p) {
    p.needsSync = false;
    sync(p);
  }

  void sync(PeerState p) {
    if (p.syncing || !r.bootstrap.done()) {
      return; // while bootstrapping, topic streams copy history in causal order; range pulls would duplicate it
    }
    p.syncing = true;
    r.call(p, p.client.vector(), theirs -> compare(p, theirs), failure -> p.syncing = false);
  }

  private void compare(PeerState p, VectorReply theirs) {
    Map<OriginKey, OriginProgress> mine = r.store.vector();
    int work = 0;
    for (var e : theirs.vector().entrySet()) {
      long have = contiguous(mine, e.getKey());
      if (e.getValue().contiguous() > have && r.membership.isAuthorizedOrigin(e.getKey())) {
        if (pulling.add(e.getKey())) { // one pull chain per origin at a time, whichever peer serves it
          pull(p, e.getKey(), have + 1, e.getValue().contiguous());
        }
        work++;
      }
    }
    long behind = 0;
    for (var e : mine.entrySet()) {
      behind += Math.max(0, e.getValue().contiguous() - contiguous(theirs.vector(), e.getKey()));
    }
    // a peer this far behind bootstraps by topic streams (causally closed); per-origin ranges pushed at it would
    // arrive out of causal order across origins and fill its pending buffer with orphans
    boolean pushRanges = behind < r.options.bootstrapThreshold();
    for (var e : mine.entrySet()) {
      long they = contiguous(theirs.vector(), e.getKey());
      if (e.getValue().contiguous() > they && !pushRanges) {
        work++;
      } else if (e.getValue().contiguous() > they) {
        pushRange(p, e.getKey(), they + 1, e.getValue().contiguous());
        work++;
      }
    }
    boolean sameContent = Arrays.equals(Fingerprints.total(r.store.fingerprintBuckets()), theirs.fingerprint());
    r.metrics.syncRound(work == 0 && sameContent);
    // equal contiguous prefixes, different contents: equivocation, or events above a gap in an origin's sequence
    // (their maximum seen differs, which no range pull covers): only reconciliation finds those
    if (work == 0 && !sameContent) {
      reconcile(p);
      return;
    }
    p.syncing = false;
  }

  private static long contiguous(Map<OriginKey, OriginProgress> v, OriginKey k) {
    OriginProgress p = v.get(k);
    return p == null ? 0 : p.contiguous();
  }

  /** Pulls one origin's range page by page until the advertised end; an empty answer is withholding. */
  private void pull(PeerState p, OriginKey origin, long from, long to) {
    OriginKey peer = Replicator.safeKey(p);
    r.call(p, p.client.originRange(origin, from, r.config.limits().maxFetchEvents(),
        r.config.limits().maxReplyBytes()), reply -> {
          if (reply.events().isEmpty()) {
            pulling.remove(origin);
          }
          if (reply.events().isEmpty() && r.retention.prunedRange(peer, origin, from, reply)) {
            return; // [retention] the peer pruned the rest of the range: not withholding
          }
          if (reply.events().isEmpty()) {
            p.withheld++; // advertised but not served: after three in a row it is asked last
            r.metrics.rejected("withheld", 1);
            return;
          }
          long last = RangePage.lastSeq(origin, from, reply.events());
          if (last < 0) {
            refusePage(peer, origin);
            return;
          }
          p.withheld = 0;
          r.receive(p.key(), reply.events()).thenRun(() -> r.scheduler.execute(() ->
              r.retention.afterRangePage(peer, origin, from, reply).whenComplete((ok, err) ->
                  r.scheduler.execute(() -> {
                if (last < to && r.running()) { // [retention] after the floor the page allows is durable
                  pull(p, origin, last + 1, to);
                } else {
                  pulling.remove(origin);
                }
              }))));
        }, failure -> pulling.remove(origin));
  }

  /**
   * Garbage, another origin's events or not what was asked: the cursor cannot move on from this page, so the pull
   * stops here (another peer serves the origin next round) and the peer pays for it.
   */
  private void refusePage(OriginKey peer, OriginKey origin) {
    pulling.remove(origin);
    r.penalize(peer, Replicator.INVALID_EVENT_PENALTY, "protocol: origin range page does not answer the request");
    r.metrics.rejected("bad_range_page", 1);
  }

  /** Pushes one origin's range we hold and the peer lacks, in bounded pages, one page in flight at a time. */
  private void pushRange(PeerState p, OriginKey origin, long from, long to) {
    List<byte[]> page = r.store.originRange(origin, from, r.config.limits().maxPushEvents(),
        r.config.limits().maxReplyBytes());
    if (page.isEmpty()) {
      return;
    }
    long last = EventCodec.decode(page.get(page.size() - 1)).event().originSeq();
    r.call(p, p.client.push(page), ok -> {
      if (last < to && r.running()) {
        pushRange(p, origin, last + 1, to);
      }
    }, failure -> { });
  }

  /** Vectors agree but contents differ: find the differing topics by bucket and fetch their heads' ancestors. */
  private void reconcile(PeerState p) {
    r.call(p, p.client.buckets(), theirs -> {
      byte[][] mine = r.store.fingerprintBuckets();
      List<Integer> differing = new ArrayList<>();
      for (int b = 0; b < 256 && differing.size() < MAX_BUCKETS_PER_ROUND; b++) {
        if (!Arrays.equals(mine[b], theirs[b])) {
          differing.add(b);
        }
      }
      p.syncing = false;
      differing.forEach(b -> reconcileBucket(p, b));
    }, failure -> p.syncing = false);
  }

  private void reconcileBucket(PeerState p, int bucket) {
    r.call(p, p.client.bucket(bucket), theirs -> {
      Map<TopicKey, byte[]> mine = new HashMap<>();
      for (TopicSummary t : r.store.topicsInBucket(bucket)) {
        mine.put(t.key(), t.headsHash());
      }
      List<TopicKey> differ = new ArrayList<>();
      for (TopicSummary t : theirs) {
        if (!Arrays.equals(mine.get(t.key()), t.headsHash())) {
          differ.add(t.key());
        }
      }
      int max = r.config.limits().maxHeadsTopics();
      for (int i = 0; i < differ.size(); i += max) {
        fetchHeads(p, differ.subList(i, Math.min(differ.size(), i + max)));
      }
    }, failure -> { });
  }

  private void fetchHeads(PeerState p, List<TopicKey> topics) {
    r.call(p, p.client.heads(List.copyOf(topics)), heads -> heads.forEach((topic, ids) -> {
      List<EventId> unknown = new ArrayList<>(ids);
      unknown.removeAll(r.store.existingIds(ids));
      if (unknown.isEmpty()) {
        r.retention.retireSuperseded(Replicator.safeKey(p), topic, ids); // [retention] our extra heads may have lost pruned children
      }
      for (int i = 0; i < unknown.size(); i += r.config.limits().maxWant()) {
        List<EventId> want = unknown.subList(i, Math.min(unknown.size(), i + r.config.limits().maxWant()));
        AncestorsRequest req = new AncestorsRequest(topic, List.copyOf(want), r.myHeads(topic),
            r.contiguousVector(), r.config.limits().maxFetchEvents(), r.config.limits().maxReplyBytes());
        r.call(p, p.client.ancestors(req), reply -> r.receive(p.key(), reply.events()), failure -> { });
      }
    }), failure -> { });
  }
}
