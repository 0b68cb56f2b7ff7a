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
 */
final class Bootstrapper {
  private static final Logger LOG = LoggerFactory.getLogger(Bootstrapper.class);
  private final Replicator r;
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
      Map<TopicKey, byte[]> mine = new HashMap<>();
      if (!topics.isEmpty()) {
        // our topics in (roughly) the same key range; a topic we hold beyond it is at worst streamed again
        r.store.topics(after, page * 4).stream()
            .filter(t -> t.key().compareTo(topics.get(topics.size() - 1).key()) <= 0)
            .forEach(t -> mine.put(t.key(), t.headsHash()));
      }
      for (TopicSummary t : topics) {
        if (!Arrays.equals(mine.get(t.key()), t.headsHash())) {
          plan.putIfAbsent(t.key(), p);
          notCaughtUp.add(t.key());
        }
      }
      if (topics.size() == page) {
        listTopics(p, topics.get(topics.size() - 1).key(), plan, whenDone);
      } else {
        whenDone.run();
      }
    }, failure -> whenDone.run());
  }

  private void stream(Map<TopicKey, PeerState> plan) {
    checked = true;
    Map<String, PeerState> byAddress = new HashMap<>();
    plan.forEach((topic, peer) -> {
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
          streamed += reply.events().size();
          CompletableFuture<Void> inserted = r.receive(p.key(), reply.events());
          if (reply.more() && !reply.events().isEmpty()) {
            previousInsert.thenRun(() -> r.scheduler.execute(() -> page(p, topic, reply.nextRow(), inserted)));
          } else {
            inserted.thenRun(() -> r.scheduler.execute(() -> topicDone(p, topic)));
          }
        }, failure -> reassign(p, topic));
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
