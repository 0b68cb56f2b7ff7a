package org.xmtpj.node.replication;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.store.OriginProgress;
import org.xmtpj.store.TopicSummary;

/**
 * Catch-up of a new or long-offline node. At start it asks up to three peers for their vectors; if it is behind
 * by at least the bootstrap threshold it lists their topics and streams every topic that differs, in the serving
 * peer's insertion order (each prefix is causally closed, so pages insert without orphans), several streams per
 * peer and all peers in parallel. A topic being streamed is not caught up: this node refuses to originate events
 * on it, so it never builds a branch on a stale view. Then a vector sync with every peer fills the rest.
 *
 * <p>A peer's answers must make progress, or bootstrap stops using it (and penalizes it): a topic listing must
 * ascend past {@code after} and hold no more than asked; a topic range that says {@code more} must move its row on;
 * and topics it listed as different must be backed by data: after {@link #MAX_UNBACKED_TOPICS} in a row of which it
 * serves nothing, its remaining topics are left to anti-entropy. The plan holds at most
 * {@link ReplicatorOptions#maxBootstrapTopics()} topics. So a liar cannot keep this node bootstrapping (refusing
 * publishes on the topics it lists) for longer than its answers take, nor grow the plan without end.
 */
final class Bootstrapper {
  private static final Logger LOG = LoggerFactory.getLogger(Bootstrapper.class);
  /** Topics in a row that a peer listed as different and then served nothing of. */
  static final int MAX_UNBACKED_TOPICS = 16;
  private final Replicator r;
  private final Set<String> dropped = new java.util.HashSet<>(); // peer addresses bootstrap no longer uses
  private final Map<String, Integer> unbacked = new HashMap<>(); // per peer address: in a row
  private boolean planFull;
  private final Set<TopicKey> notCaughtUp = ConcurrentHashMap.newKeySet();
  private volatile boolean checked;
  private volatile boolean done;
  private final Map<String, ArrayDeque<TopicKey>> queues = new HashMap<>();
  private int activeStreams;
  private long streamed;
  private long startedMs;

  Bootstrapper(Replicator r) {
    this.r = r;
  }

  boolean isCaughtUp(TopicKey topic) {
    return checked && !notCaughtUp.contains(topic);
  }

  boolean done() {
    return done;
  }

  void start() {
    List<PeerState> peers = new ArrayList<>(r.peers.values());
    if (peers.isEmpty()) {
      finish();
      return;
    }
    Collections.shuffle(peers, new java.util.Random(r.random.nextLong()));
    List<PeerState> asked = peers.subList(0, Math.min(3, peers.size()));
    Map<PeerState, VectorReply> answers = new java.util.LinkedHashMap<>(); // reply order: deterministic replays
    int[] outstanding = {asked.size()};
    for (PeerState p : asked) {
      r.call(p, p.client.vector(), v -> {
        answers.put(p, v);
        if (--outstanding[0] == 0) {
          decide(answers);
        }
      }, failure -> {
        if (--outstanding[0] == 0) {
          decide(answers);
        }
      });
    }
  }

  private void decide(Map<PeerState, VectorReply> answers) {
    Map<OriginKey, OriginProgress> mine = r.store.vector();
    long behind = 0;
    Map<OriginKey, Long> max = new HashMap<>();
    answers.values().forEach(v -> v.vector().forEach((k, p) -> max.merge(k, p.contiguous(), Math::max)));
    for (var e : max.entrySet()) {
      OriginProgress have = mine.get(e.getKey());
      behind += Math.max(0, e.getValue() - (have == null ? 0 : have.contiguous()));
    }
    if (answers.isEmpty() || behind < r.options.bootstrapThreshold()) {
      finish();
      answers.keySet().forEach(r.antiEntropy::sync);
      return;
    }
    LOG.info("bootstrap: {} events behind {} peers; streaming topics", behind, answers.size());
    startedMs = r.clock.millis();
    List<PeerState> sources = new ArrayList<>(answers.keySet());
    Map<TopicKey, PeerState> plan = new HashMap<>();
    int[] listings = {sources.size()};
    for (PeerState p : sources) {
      listTopics(p, null, plan, () -> {
        if (--listings[0] == 0) {
          stream(plan);
        }
      });
    }
  }

  /** Pages through a peer's topics; a topic differing from ours goes to the peer holding most of it. */
  private void listTopics(PeerState p, TopicKey after, Map<TopicKey, PeerState> plan, Runnable whenDone) {
    int page = r.config.limits().maxTopicsPage();
    r.call(p, p.client.topics(after, page), topics -> {
      String problem = listingProblem(after, topics, page);
      if (problem != null) {
        drop(p, problem);
        whenDone.run();
        return;
      }
      Map<TopicKey, byte[]> mine = new HashMap<>();
      if (!topics.isEmpty()) {
        // our topics in (roughly) the same key range; a topic we hold beyond it is at worst streamed again
        r.store.topics(after, page * 4).stream()
            .filter(t -> t.key().compareTo(topics.get(topics.size() - 1).key()) <= 0)
            .forEach(t -> mine.put(t.key(), t.headsHash()));
      }
      for (TopicSummary t : topics) {
        if (plan.size() >= r.options.maxBootstrapTopics()) {
          planIsFull();
          break;
        }
        if (!Arrays.equals(mine.get(t.key()), t.headsHash())) {
          plan.putIfAbsent(t.key(), p);
          notCaughtUp.add(t.key());
        }
      }
      if (topics.size() == page && !planFull && !dropped.contains(p.info.address())) {
        listTopics(p, topics.get(topics.size() - 1).key(), plan, whenDone);
      } else {
        whenDone.run();
      }
    }, failure -> whenDone.run());
  }

  /** Why a listing page cannot be honest: more topics than asked, or keys that do not ascend past {@code after}. */
  private static String listingProblem(TopicKey after, List<TopicSummary> topics, int page) {
    if (topics.size() > page) {
      return "listed " + topics.size() + " topics where " + page + " were asked for";
    }
    TopicKey last = after;
    for (TopicSummary t : topics) {
      if (last != null && t.key().compareTo(last) <= 0) {
        return "topic listing does not ascend past " + last;
      }
      last = t.key();
    }
    return null;
  }

  private void planIsFull() {
    if (!planFull) {
      planFull = true;
      LOG.warn("bootstrap: {} topics planned, the limit (maxBootstrapTopics); anti-entropy brings the rest",
          r.options.maxBootstrapTopics());
    }
  }

  /** Bootstrap stops using {@code p}: what it alone claimed is left to anti-entropy, which checks by content. */
  private void drop(PeerState p, String why) {
    if (!dropped.add(p.info.address())) {
      return;
    }
    LOG.warn("bootstrap: no longer using peer {}: {}", p.info.address(), why);
    r.penalize(p.key(), Replicator.INVALID_EVENT_PENALTY, "bootstrap: " + why);
    ArrayDeque<TopicKey> q = queues.get(p.info.address());
    if (q != null) {
      q.forEach(notCaughtUp::remove);
      q.clear();
    }
  }

  private void stream(Map<TopicKey, PeerState> plan) {
    checked = true;
    Map<String, PeerState> byAddress = new HashMap<>();
    plan.forEach((topic, peer) -> {
      if (dropped.contains(peer.info.address())) {
        notCaughtUp.remove(topic); // listed by a peer found lying: anti-entropy decides
        return;
      }
      queues.computeIfAbsent(peer.info.address(), k -> new ArrayDeque<>()).add(topic);
      byAddress.put(peer.info.address(), peer);
    });
    byAddress.values().forEach(p -> {
      for (int i = 0; i < r.options.bootstrapStreamsPerPeer(); i++) {
        nextTopic(p);
      }
    });
    if (activeStreams == 0) {
      complete();
    }
  }

  private void nextTopic(PeerState p) {
    if (dropped.contains(p.info.address())) {
      return;
    }
    ArrayDeque<TopicKey> q = queues.get(p.info.address());
    TopicKey topic = q == null ? null : q.poll();
    if (topic == null) {
      return;
    }
    activeStreams++;
    page(p, topic, 0, CompletableFuture.completedFuture(null));
  }

  /** One page; the next is requested at once, but a stream never has more than two pages waiting for the disk. */
  private void page(PeerState p, TopicKey topic, long afterRow, CompletableFuture<Void> previousInsert) {
    r.call(p, p.client.topicRange(topic, afterRow, r.config.limits().maxFetchEvents(),
        r.config.limits().maxReplyBytes()), reply -> {
          if (reply.more() && reply.nextRow() <= afterRow) {
            drop(p, "topic range of " + topic + " says more but does not move past row " + afterRow);
            topicDone(p, topic);
            return;
          }
          if (afterRow == 0 && !backed(p, reply)) {
            topicDone(p, topic);
            return;
          }
          streamed += reply.events().size();
          CompletableFuture<Void> inserted = r.receive(p.key(), reply.events());
          if (reply.more() && !reply.events().isEmpty()) {
            previousInsert.thenRun(() -> r.scheduler.execute(() -> page(p, topic, reply.nextRow(), inserted)));
          } else {
            inserted.thenRun(() -> r.scheduler.execute(() -> topicDone(p, topic)));
          }
        }, failure -> reassign(p, topic));
  }

  /** A topic's first page: empty means the peer listed a difference it cannot back; too many in a row, it goes. */
  private boolean backed(PeerState p, EventsReply first) {
    String a = p.info.address();
    if (!first.events().isEmpty()) {
      unbacked.remove(a);
      return true;
    }
    if (unbacked.merge(a, 1, Integer::sum) >= MAX_UNBACKED_TOPICS) {
      drop(p, MAX_UNBACKED_TOPICS + " topics in a row listed as different and served empty");
    }
    return false;
  }

  private void reassign(PeerState failed, TopicKey topic) {
    PeerState other = r.choosePeer(null, Set.of(failed.info.address()));
    if (other == null) {
      topicDone(failed, topic); // nobody can serve it now: anti-entropy will; do not block publishes forever
      return;
    }
    activeStreams--;
    queues.computeIfAbsent(other.info.address(), k -> new ArrayDeque<>()).addFirst(topic);
    nextTopic(other);
  }

  private void topicDone(PeerState p, TopicKey topic) {
    notCaughtUp.remove(topic);
    activeStreams--;
    nextTopic(p);
    if (activeStreams == 0 && queues.values().stream().allMatch(ArrayDeque::isEmpty) && !done) {
      complete();
    }
  }

  private void complete() {
    long ms = Math.max(1, r.clock.millis() - startedMs);
    LOG.info("bootstrap: streamed {} events in {} ms ({} events/s); syncing by vector", streamed, ms,
        streamed * 1000 / ms);
    notCaughtUp.clear();
    finish();
    r.usablePeers().forEach(r.antiEntropy::sync);
  }

  private void finish() {
    checked = true;
    done = true;
  }
}
