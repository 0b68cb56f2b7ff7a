package org.xmtpj.testing.sim;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.xmtpj.crypto.Ed25519KeyPair;
import org.xmtpj.dag.ClientEnvelope;
import org.xmtpj.dag.EventSigner;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.SignedEvent;
import org.xmtpj.node.api.ApiException;
import org.xmtpj.node.ingest.CaughtUpGate;
import org.xmtpj.node.ingest.Originator;
import org.xmtpj.node.ingest.ReplicationListener;
import org.xmtpj.node.ingest.WriterPolicy;
import org.xmtpj.node.replication.PeerInfo;
import org.xmtpj.node.replication.ReplicationConfig;
import org.xmtpj.node.replication.Replicator;
import org.xmtpj.node.replication.ReplicatorOptions;
import org.xmtpj.store.EventStore;
import org.xmtpj.store.Evidence;
import org.xmtpj.store.StoredEnvelope;

/**
 * One simulated node: the real store (SQLite, unsynced), the real writer ({@link Originator#inline}) and the real
 * {@link Replicator}, all on one {@link Lane} of the shared scheduler. It can crash (the lane dies, in-memory
 * state is dropped, the store file stays) and restart (the store is reopened from disk, a new writer and
 * replicator resume from it).
 */
public final class SimReplica {
  /** What became of a client publish. */
  public enum PublishResult { ACKED, NOT_CAUGHT_UP, DOWN, FAILED }

  record Setup(SimScheduler scheduler, SimNetwork network, ReplicationConfig config, ReplicatorOptions options,
      WriterPolicy policy, List<PeerInfo> members, Path baseDir) {}

  private final Setup setup;
  private final String name;
  private final Ed25519KeyPair keys;
  private final OriginKey key;
  private final SplittableRandom random;
  private final Clock clock;
  private final ReplicaMetrics metrics = new ReplicaMetrics();
  private final Set<ClientEnvelope> acked = new LinkedHashSet<>();
  private final Map<ByteBuffer, Long> visibleAtMs = new HashMap<>();
  private final List<Evidence> evidence = new ArrayList<>();
  private CrashingStore store;
  private Originator writer;
  private CaughtUpGate gate;
  private Replicator replicator;
  private Lane lane;
  private boolean withholding;
  private boolean gone;
  private int starts;

  SimReplica(Setup setup, String name, Ed25519KeyPair keys, SplittableRandom random, long clockOffsetMs) {
    this.setup = setup;
    this.name = name;
    this.keys = keys;
    this.key = new OriginKey(keys.publicKey());
    this.random = random;
    this.clock = clockOffsetMs == 0 ? setup.scheduler().clock() : setup.scheduler().clock(clockOffsetMs);
  }

  /** Opens the store (new or left by a previous incarnation) and starts writer and replication. */
  public void start() {
    if (isUp() || gone) {
      throw new IllegalStateException(name + (gone ? " is gone" : " is already up"));
    }
    starts++;
    store = new CrashingStore(StoreTemplate.open(dir()));
    lane = new Lane(setup.scheduler(), () -> store.tripped(), this::crashIfKilled);
    Replicator[] holder = new Replicator[1];
    writer = Originator.inline(store, new EventSigner(keys), this::committed, clock, setup.policy(),
        topic -> holder[0] == null ? 0 : holder[0].mergeRank(topic));
    writer.setRetention(setup.config().retention());
    replicator = new Replicator(key, writer::insertReplicated, store,
        new SimMembership(key, setup.members()), new SimConnector(setup.network(), key, () -> withholding), lane, clock,
        new SplittableRandom(random.nextLong()), setup.config(), setup.options(), metrics);
    holder[0] = replicator;
    gate = new CaughtUpGate(writer, replicator::isCaughtUp);
    writer.setReplicationListener(new ReplicationListener() {
      @Override
      public void originated(List<SignedEvent> events) {
        replicator.onOriginated(events);
      }

      @Override
      public void evidence(List<Evidence> found) {
        evidence.addAll(found);
      }
    });
    setup.network().attach(key, name, withholding ? new Withholding(replicator.handler()) : replicator.handler());
    replicator.start();
    scheduleTick(lane);
  }

  private void scheduleTick(Lane l) {
    l.schedule(Duration.ofSeconds(1), () -> {
      writer.tick();
      scheduleTick(l);
    });
  }

  /** kill -9: whatever was not committed is gone; the store file stays. */
  public void crash() {
    if (isUp()) {
      shutDown();
    }
  }

  private void shutDown() {
    lane.kill();
    setup.network().detach(key);
    replicator.stop();
    writer.close();
    store.close();
    replicator = null;
  }

  /** The node is gone for good (killed, disk lost): it never restarts, and checks leave it out. */
  public void destroy() {
    if (isUp()) {
      shutDown();
    }
    gone = true;
    StoreTemplate.delete(dir());
  }

  public boolean isGone() {
    return gone;
  }

  /** Kills this replica inside its {@code nth} append from now, before or after that transaction commits. */
  public void crashInAppend(int nth, boolean afterCommit) {
    store.arm(nth, afterCommit ? CrashingStore.Point.AFTER_COMMIT : CrashingStore.Point.BEFORE_COMMIT);
  }

  /**
   * While true, this replica advertises what it holds (vector, topics, heads) but serves no data to peers and
   * gossips nothing (withholding). It keeps receiving and pulling normally itself.
   */
  public void withhold(boolean on) {
    withholding = on;
    if (isUp()) {
      setup.network().attach(key, name, on ? new Withholding(replicator.handler()) : replicator.handler());
    }
  }

  /** Cancels a pending {@link #crashInAppend}. */
  public void disarm() {
    if (isUp()) {
      store.disarm();
    }
  }

  private void crashIfKilled() {
    if (store != null && store.tripped() && isUp()) {
      crash();
    }
  }

  public boolean isUp() {
    return replicator != null;
  }

  /** A client publish of one envelope stamped with this node's clock (ns, with a random sub-ms part). */
  public PublishResult publish(String topic, byte[] message) {
    long ts = clock.millis() * 1_000_000L + random.nextLong(1_000_000L);
    return publish(new ClientEnvelope(topic, ts, message));
  }

  public PublishResult publish(ClientEnvelope envelope) {
    return publishAll(List.of(envelope));
  }

  /**
   * Publishes as the node's API does: through the {@link CaughtUpGate} (refused while a topic is still being caught
   * up), then the real writer; ACKED means durable.
   */
  public PublishResult publishAll(List<ClientEnvelope> envelopes) {
    if (!isUp()) {
      return PublishResult.DOWN;
    }
    CompletableFuture<?>[] result = new CompletableFuture<?>[1];
    lane.runNow(() -> result[0] = gate.publish(envelopes));
    if (result[0] == null || !result[0].isDone()) {
      return PublishResult.FAILED;
    }
    if (!result[0].isCompletedExceptionally()) {
      acked.addAll(envelopes);
      return PublishResult.ACKED;
    }
    Throwable cause = result[0].exceptionNow();
    return cause instanceof ApiException api && "catching_up".equals(api.reason())
        ? PublishResult.NOT_CAUGHT_UP : PublishResult.FAILED;
  }

  private void committed(List<StoredEnvelope> envelopes) {
    for (StoredEnvelope e : envelopes) {
      if (e.localSeq() > 0) {
        visibleAtMs.putIfAbsent(ByteBuffer.wrap(e.envelope().digest()), setup.scheduler().nowMs());
      }
    }
  }

  public String name() {
    return name;
  }

  public OriginKey key() {
    return key;
  }

  /** The open store; only while up. */
  public EventStore store() {
    requireUp();
    return store;
  }

  public Replicator replicator() {
    requireUp();
    return replicator;
  }

  public ReplicaMetrics metrics() {
    return metrics;
  }

  /** Envelopes this replica acknowledged to clients (durable when acknowledged). */
  public Set<ClientEnvelope> acked() {
    return Set.copyOf(acked);
  }

  /** When an envelope (by digest) first became visible to this replica's subscribers; null if never. */
  public Long visibleAtMs(byte[] digest) {
    return visibleAtMs.get(ByteBuffer.wrap(digest));
  }

  /** Equivocations this replica's writer reported, across incarnations. */
  public List<Evidence> evidenceSeen() {
    return List.copyOf(evidence);
  }

  public int starts() {
    return starts;
  }

  Path dir() {
    return setup.baseDir().resolve(name);
  }

  void close() {
    if (isUp()) {
      shutDown();
    }
  }

  private void requireUp() {
    if (!isUp()) {
      throw new IllegalStateException(name + " is down");
    }
  }

  @Override
  public String toString() {
    return name + "[" + key.hex().substring(0, 8) + (isUp() ? "" : ", down") + "]";
  }
}
