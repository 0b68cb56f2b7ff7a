package org.xmtpj.node.replication;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmtpj.dag.CachingVerifier;
import org.xmtpj.dag.DagLimits;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.OwnerRuleException;
import org.xmtpj.dag.SignedEvent;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.store.EventStore;

/**
 * The replication engine of one node. Every field is owned by the scheduler's single thread; other threads only
 * hand work over ({@link #onPush}, {@link #onOriginated}) or read the concurrent views (bans, catch-up state).
 *
 * <p>Receive pipeline: size check → strict decode, id recomputed, batch signature verified → origin authorized →
 * skip known → parents present and in the same topic → durable insert in one transaction per batch, else the
 * pending buffer plus an ancestor fetch; inserts cascade to waiting children, and what was inserted is relayed
 * to the other peers. Only validated, causally complete events are ever forwarded.
 */
public final class Replicator {
  private static final Logger LOG = LoggerFactory.getLogger(Replicator.class);
  static final int INVALID_EVENT_PENALTY = 20;

  final OriginKey self;
  final LocalLog log;
  final EventStore store;
  final Membership membership;
  private final PeerConnector connector;
  final Scheduler scheduler;
  final Clock clock;
  final RandomGenerator random;
  final ReplicationConfig config;
  final ReplicatorOptions options;
  final ReplicationMetrics metrics;
  private final CachingVerifier verifier = new CachingVerifier(10_000);
  final PendingBuffer pending;
  final Map<String, PeerState> peers = new LinkedHashMap<>();
  private final Map<OriginKey, PeerState> byKey = new HashMap<>();
  final Map<EventId, TopicKey> inFlight = new HashMap<>();
  private final Map<OriginKey, Long> bannedUntil = new ConcurrentHashMap<>();
  private final AtomicInteger queuedReceive = new AtomicInteger();
  final AntiEntropy antiEntropy;
  private final AncestorFetcher fetcher = new AncestorFetcher(this);
  private final Refetcher refetcher = new Refetcher(this);
  private final Pusher pusher = new Pusher(this);
  final Bootstrapper bootstrap;
  final RetentionRules retention = new RetentionRules(this);
  private final ServingHandler handler;
  private volatile boolean running;

  public Replicator(OriginKey self, LocalLog log, EventStore store, Membership membership, PeerConnector connector,
      Scheduler scheduler, Clock clock, RandomGenerator random, ReplicationConfig config, ReplicatorOptions options,
      ReplicationMetrics metrics) {
    this.self = self;
    this.log = log;
    this.store = store;
    this.membership = membership;
    this.connector = connector;
    this.scheduler = scheduler;
    this.clock = clock;
    this.random = random;
    this.config = config;
    this.options = options;
    this.metrics = metrics;
    this.pending = new PendingBuffer(options.pendingEventsPerPeer(), options.pendingBytesPerPeer(),
        options.pendingTtlMs());
    this.antiEntropy = new AntiEntropy(this);
    this.bootstrap = new Bootstrapper(this);
    this.handler = new ServingHandler(store, this, config.limits());
  }

  /** What this node answers to peers; give it to the transport's server. */
  public ReplicationHandler handler() {
    return handler;
  }

  public void start() {
    running = true;
    scheduler.execute(() -> {
      // listen first: a change between reading the list and listening would otherwise be lost (changes queue
      // behind this task on the scheduler, so they apply after the connects below)
      membership.onChange(list -> scheduler.execute(() -> updatePeers(list)));
      membership.peers().forEach(this::connect);
      bootstrap.start();
      antiEntropy.scheduleNext();
      scheduleHousekeeping();
    });
  }

  public void stop() {
    running = false;
  }

  boolean running() {
    return running;
  }

  /** Whether this node may originate events on the topic (false while it is still catching up on it). */
  public boolean isCaughtUp(TopicKey topic) {
    return bootstrap.isCaughtUp(topic);
  }

  /** Whether the initial catch-up is over (for health and tests). */
  public boolean bootstrapped() {
    return bootstrap.done();
  }

  public boolean isBanned(OriginKey peer) {
    Long until = bannedUntil.get(peer);
    return until != null && clock.millis() < until;
  }

  /**
   * Which turn this node has to merge a wide topic: its rank among the members by SHA-256(topic ‖ key), so that
   * one node merges and the others only step in one period later each if it does not.
   */
  public int mergeRank(TopicKey topic) {
    List<OriginKey> members = new ArrayList<>();
    members.add(self);
    membership.peers().forEach(p -> {
      if (p.key() != null) {
        members.add(p.key());
      }
    });
    byte[] mine = org.xmtpj.crypto.Sha256.hash(topic.bytes(), self.bytes());
    int rank = 0;
    for (OriginKey k : members) {
      if (!k.equals(self) && java.util.Arrays.compareUnsigned(
          org.xmtpj.crypto.Sha256.hash(topic.bytes(), k.bytes()), mine) < 0) {
        rank++;
      }
    }
    return rank;
  }

  // ---- peers

  private void connect(PeerInfo info) {
    if (peers.containsKey(info.address())) {
      return;
    }
    PeerState p = new PeerState(info, connector.connect(info));
    peers.put(info.address(), p);
    if (info.key() != null) {
      byKey.put(info.key(), p);
    }
  }

  private void updatePeers(List<PeerInfo> list) {
    Set<String> wanted = new HashSet<>();
    list.forEach(i -> wanted.add(i.address()));
    for (var it = peers.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!wanted.contains(e.getKey())) {
        connector.disconnect(e.getValue().info);
        byKey.values().remove(e.getValue());
        it.remove();
      }
    }
    list.forEach(this::connect);
  }

  PeerState peer(OriginKey key) {
    PeerState p = byKey.get(key);
    if (p == null) {
      for (PeerState candidate : peers.values()) {
        if (candidate.info.key() == null && key.equals(candidate.client.knownKey())) {
          byKey.put(key, candidate);
          return candidate;
        }
      }
    }
    return p;
  }

  static OriginKey safeKey(PeerState p) {
    try {
      return p.key();
    } catch (RuntimeException e) {
      return null;
    }
  }

  List<PeerState> usablePeers() {
    long now = clock.millis();
    return peers.values().stream().filter(p -> p.usable(now)).toList();
  }

  void penalize(OriginKey peerKey, int points, String reason) {
    PeerState p = peerKey == null ? null : peer(peerKey);
    if (p == null) {
      return;
    }
    if (p.penalize(points, clock.millis(), options.baseBanMs())) {
      bannedUntil.put(peerKey, p.bannedUntilMs);
      metrics.banned(peerKey.hex());
      LOG.warn("peer {} banned until {} (ban #{}; last offence: {})", p.info.address(), p.bannedUntilMs, p.bans,
          reason);
    }
  }

  /**
   * A peer called us (transport thread). If we had given up on it for a while, it is evidently back: end the
   * backoff and sync with it now, instead of waiting for the backoff to expire (a healed partition).
   */
  void heardFrom(OriginKey peer) {
    if (downPeers.remove(peer)) {
      scheduler.execute(() -> {
        PeerState p = peer(peer);
        if (p != null && p.failures > 0) {
          p.backoffUntilMs = 0;
          antiEntropy.syncSoon(p);
        }
      });
    }
  }

  /**
   * Someone we refused sent a handshake (transport thread): if unpinned peers are not connected yet, dial them now,
   * since an unpinned peer can get in only after we learned its key by dialling it. At most every 200 ms, so a
   * stranger's handshakes cannot turn into a stream of dials.
   */
  void dialUnknownPeersSoon() {
    long now = clock.millis();
    long last = lastUnknownDialMs.get();
    if (now - last < 200 || !lastUnknownDialMs.compareAndSet(last, now)) {
      return;
    }
    scheduler.execute(() -> peers.values().forEach(p -> {
      if (p.info.key() == null && (p.client.knownKey() == null || p.failures > 0) && !p.banned(clock.millis())) {
        p.backoffUntilMs = 0;
        p.needsSync = true;
        if (bootstrap.done()) {
          antiEntropy.syncSoon(p);
        }
      }
    }));
  }

  private final java.util.concurrent.atomic.AtomicLong lastUnknownDialMs = new java.util.concurrent.atomic.AtomicLong(
      Long.MIN_VALUE / 2);

  /** Peers currently failing (written by the replication thread, read by transport threads). */
  private final Set<OriginKey> downPeers = ConcurrentHashMap.newKeySet();

  // ---- receive pipeline

  /** A peer pushed events (transport thread). Refused when the queue is full; the peer's sync repairs it. */
  void onPush(OriginKey from, List<byte[]> events) {
    if (queuedReceive.addAndGet(events.size()) > options.maxQueuedReceive()) {
      queuedReceive.addAndGet(-events.size());
      throw new PeerException(PeerException.Kind.UNAVAILABLE, "busy: receive queue full");
    }
    scheduler.execute(() -> {
      queuedReceive.addAndGet(-events.size());
      receive(from, events);
    });
  }

  /** This node's writer committed events it originated (committer thread): push them to every peer. */
  public void onOriginated(List<SignedEvent> events) {
    List<byte[]> raws = events.stream().map(SignedEvent::encoded).toList();
    scheduler.execute(() -> pusher.relay(raws, null));
  }

  /** Validates untrusted bytes and ingests what passes; returns when the valid ready part is durable. */
  CompletableFuture<Void> receive(OriginKey from, List<byte[]> raws) {
    metrics.received(raws.size());
    List<SignedEvent> ok = new ArrayList<>(raws.size());
    for (byte[] raw : raws) {
      if (raw.length > DagLimits.MAX_EVENT_BYTES) {
        reject(from, "oversized", INVALID_EVENT_PENALTY);
        continue;
      }
      SignedEvent e;
      try {
        e = verifier.verify(raw);
      } catch (OwnerRuleException bad) {
        // signed by its origin: any replica can see that the origin stored a write its topic's owner did not make
        reject(from, "owner_rule", INVALID_EVENT_PENALTY);
        continue;
      } catch (RuntimeException bad) {
        reject(from, "invalid", INVALID_EVENT_PENALTY);
        continue;
      }
      if (!membership.isAuthorizedOrigin(new OriginKey(e.event().origin()))) {
        reject(from, "unknown_origin", 5);
        continue;
      }
      ok.add(e);
    }
    return ingest(from, ok);
  }

  private void reject(OriginKey from, String reason, int penalty) {
    metrics.rejected(reason, 1);
    penalize(from, penalty, reason);
  }

  /** Verified events: insert what is causally complete, buffer the rest and fetch their ancestors. */
  CompletableFuture<Void> ingest(OriginKey from, List<SignedEvent> events) {
    Map<EventId, SignedEvent> batch = new LinkedHashMap<>();
    for (SignedEvent e : events) {
      if (!inFlight.containsKey(e.id()) && !pending.contains(e.id())) {
        batch.putIfAbsent(e.id(), e);
      }
    }
    store.existingIds(batch.keySet()).forEach(batch::remove);
    batch.values().removeIf(retention::prunedHere); // [retention] pruned here: storing it again would revive it
    if (batch.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    Set<EventId> external = new HashSet<>();
    batch.values().forEach(e -> e.event().parents().forEach(p -> {
      if (!batch.containsKey(p) && !inFlight.containsKey(p)) {
        external.add(p);
      }
    }));
    Map<EventId, TopicKey> present = new HashMap<>(store.topicsOf(external));
    List<SignedEvent> ready = new ArrayList<>();
    Map<EventId, Set<EventId>> blocked = new LinkedHashMap<>();
    for (SignedEvent e : Topo.order(batch)) {
      classify(from, e, present, ready, blocked);
    }
    blocked.forEach((id, missing) -> {
      if (!pending.add(batch.get(id), from == null ? self : from, clock.millis(), missing)) {
        reject(from, "pending_quota", 2);
      }
    });
    metrics.pending(pending.size());
    refreshStatus();
    if (!blocked.isEmpty()) {
      Map<EventId, TopicKey> wanted = new LinkedHashMap<>();
      blocked.forEach((id, missing) -> missing.forEach(m -> wanted.putIfAbsent(m,
          new TopicKey(batch.get(id).event().topicId()))));
      fetcher.fetch(from, wanted);
    }
    return submit(from, ready);
  }

  private void classify(OriginKey from, SignedEvent e, Map<EventId, TopicKey> present, List<SignedEvent> ready,
      Map<EventId, Set<EventId>> blocked) {
    TopicKey topic = new TopicKey(e.event().topicId());
    Set<EventId> missing = new HashSet<>();
    for (EventId p : e.event().parents()) {
      TopicKey t = present.containsKey(p) ? present.get(p) : inFlight.get(p);
      if (t == null) {
        missing.add(p);
      } else if (!t.equals(topic)) {
        reject(from, "parent_other_topic", INVALID_EVENT_PENALTY);
        return;
      }
    }
    // [retention] below the horizon a missing parent may be pruned everywhere: it counts as present
    if (missing.isEmpty() || retention.belowHorizon(e)) {
      ready.add(e);
      present.put(e.id(), topic);
    } else {
      blocked.put(e.id(), missing);
    }
  }

  private CompletableFuture<Void> submit(OriginKey from, List<SignedEvent> ready) {
    if (ready.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    ready.forEach(e -> inFlight.put(e.id(), new TopicKey(e.event().topicId())));
    CompletableFuture<Void> done = new CompletableFuture<>();
    log.insert(ready).whenComplete((flags, err) -> scheduler.execute(() -> {
      try {
        committed(from, ready, flags, err);
      } finally {
        done.complete(null); // bootstrap streams wait on it: never leave it pending
      }
    }));
    return done;
  }

  private void committed(OriginKey from, List<SignedEvent> events, List<Boolean> flags, Throwable err) {
    events.forEach(e -> inFlight.remove(e.id()));
    if (err != null) {
      LOG.warn("storing {} replicated events failed; anti-entropy will fetch them again", events.size(), err);
      metrics.rejected("store_failed", events.size());
      return;
    }
    List<byte[]> inserted = new ArrayList<>();
    long now = clock.millis();
    for (int i = 0; i < events.size(); i++) {
      if (flags.get(i)) {
        inserted.add(events.get(i).encoded());
        observeDelay(now - events.get(i).event().createdAtMs());
      }
    }
    metrics.inserted(inserted.size());
    if (bootstrap.done()) {
      pusher.relay(inserted, from); // history streamed during bootstrap came from the peers: never echo it back
    }
    Map<OriginKey, List<SignedEvent>> unblocked = new LinkedHashMap<>();
    for (SignedEvent e : events) {
      fetcher.arrived(e.id());
      for (PendingBuffer.Entry w : pending.resolve(e.id())) {
        unblocked.computeIfAbsent(w.from(), k -> new ArrayList<>()).add(w.event());
      }
    }
    unblocked.forEach((peer, list) -> ingest(peer.equals(self) ? null : peer, list));
    metrics.pending(pending.size());
    refreshStatus();
  }

  /** Feeds the delay histogram; a delay over the SLO is logged (at most every 10 s) so operators see it. */
  private void observeDelay(long millis) {
    if (!bootstrap.done()) {
      return; // history being copied, not propagation
    }
    metrics.propagationDelay(millis);
    long now = clock.millis();
    if (millis > DELAY_SLO_MS && now - lastSloWarning > 10_000) {
      lastSloWarning = now;
      LOG.warn("replication delay SLO breached: an event reached this node {} ms after its creation (SLO {} ms)",
          millis, DELAY_SLO_MS);
    }
  }

  static final long DELAY_SLO_MS = 5_000;
  private long lastSloWarning;

  List<EventId> myHeads(TopicKey topic) {
    var heads = store.heads(topic);
    List<EventId> out = new ArrayList<>();
    for (int i = 0; i < heads.size() && i < config.limits().maxHaveHeads(); i++) {
      out.add(heads.get(i).id());
    }
    return out;
  }

  Map<OriginKey, Long> contiguousVector() {
    Map<OriginKey, Long> out = new HashMap<>();
    store.vector().forEach((k, v) -> out.put(k, v.contiguous()));
    return out;
  }

  /** The preferred peer if usable, else a random usable one not tried yet, fast peers before slow ones. */
  PeerState choosePeer(OriginKey preferred, Set<String> tried) {
    long now = clock.millis();
    PeerState p = preferred == null ? null : peer(preferred);
    if (p != null && p.usable(now) && !tried.contains(p.info.address())) {
      return p;
    }
    List<PeerState> fast = new ArrayList<>();
    List<PeerState> slow = new ArrayList<>();
    for (PeerState c : peers.values()) {
      if (c.usable(now) && !tried.contains(c.info.address())) {
        (c.slow() ? slow : fast).add(c);
      }
    }
    List<PeerState> from = fast.isEmpty() ? slow : fast;
    return from.isEmpty() ? null : from.get(random.nextInt(from.size()));
  }

  // ---- calls and housekeeping

  /** Runs a peer call; both outcomes come back on the replication thread, and failures update the peer. */
  <T> void call(PeerState p, CompletableFuture<T> future, java.util.function.Consumer<T> onSuccess,
      java.util.function.Consumer<Throwable> onFailure) {
    future.whenComplete((value, err) -> scheduler.execute(() -> {
      if (err == null) {
        boolean wasDown = p.failures > 0;
        p.reward();
        onSuccess.accept(value);
        if (wasDown || p.needsSync) {
          antiEntropy.syncSoon(p);
        }
        return;
      }
      Throwable cause = err instanceof java.util.concurrent.CompletionException && err.getCause() != null
          ? err.getCause() : err;
      if (cause instanceof PeerException pe && pe.kind() == PeerException.Kind.PROTOCOL) {
        penalize(safeKey(p), INVALID_EVENT_PENALTY, "protocol: " + pe.getMessage());
      }
      boolean timeout = cause.getMessage() != null && cause.getMessage().contains("DEADLINE");
      p.unavailable(clock.millis(), timeout);
      OriginKey key = p.client.knownKey();
      if (key != null) {
        downPeers.add(key);
      }
      onFailure.accept(cause);
    }));
  }

  private void scheduleHousekeeping() {
    scheduler.schedule(Duration.ofSeconds(1), () -> {
      if (!running) {
        return;
      }
      for (PendingBuffer.Entry e : pending.expire(clock.millis())) {
        metrics.rejected("pending_expired", 1);
        penalize(e.from(), 1, "orphan expired");
      }
      metrics.pending(pending.size());
      refreshStatus();
      refetcher.tick();
      long now = clock.millis();
      peers.values().forEach(p -> {
        if (p.needsSync && p.usable(now)) {
          antiEntropy.syncSoon(p);
        }
      });
      scheduleHousekeeping();
    });
  }

  /** Snapshot for tests and the debug endpoint (any thread; refreshed by the replication thread). */
  public Status status() {
    Status s = status;
    return new Status(s.pending(), s.inFlight(), s.peers(), bootstrap.done());
  }

  private void refreshStatus() {
    status = new Status(pending.size(), inFlight.size(), peers.size(), bootstrap.done());
  }

  private volatile Status status = new Status(0, 0, 0, false);

  public record Status(int pending, int inFlight, int peers, boolean bootstrapped) {}
}
