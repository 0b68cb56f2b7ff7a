package org.xmtpj.node.checkpoint;

import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.state.CheckpointState;
import org.xmtpj.dag.state.Cut;
import org.xmtpj.dag.state.StateTree;
import org.xmtpj.store.EventStore;

/**
 * Computes this node's checkpoint of every epoch (docs/consensus.md §1–4): once the epoch's boundary is a settle
 * delay in the past, the cut of the stored events and its state root, incrementally from the previous epoch. Its
 * own (virtual) thread owns the state; the results of the last {@link #KEPT} epochs are kept, with their tree
 * versions, for inclusion proofs. At start it computes the newest due epoch in one step (the cut rule gives the
 * same cut whether reached in one step or many).
 */
public final class Checkpointer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);
  static final int KEPT = 64;
  static final Duration MAX_SETTLE = Duration.ofSeconds(15);

  private final EventStore store;
  private final EpochClock epochs;
  private final Clock clock;
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("checkpointer").factory());
  private final ConcurrentSkipListMap<Long, Computed> computed = new ConcurrentSkipListMap<>();
  private final CheckpointState state = new CheckpointState();
  private volatile Consensus consensus;

  /** The epoch clock of the chain: epoch e starts at genesis + e × length (seconds). */
  public record EpochClock(long genesisSeconds, long lengthSeconds) {
    public EpochClock {
      if (lengthSeconds <= 0) {
        throw new IllegalArgumentException("epoch length must be positive");
      }
    }

    /** The boundary of epoch e's checkpoint (the start of epoch e + 1), in milliseconds. */
    public long boundaryMs(long epoch) {
      return (genesisSeconds + (epoch + 1) * lengthSeconds) * 1000;
    }

    /** A quarter epoch, at most {@link #MAX_SETTLE}: time for the events before the boundary to spread. */
    public Duration settle() {
      return Duration.ofMillis(Math.min(lengthSeconds * 1000 / 4, MAX_SETTLE.toMillis()));
    }

    /** The newest epoch whose checkpoint is due at {@code nowMs}, or -1. */
    public long newestDue(long nowMs) {
      long sinceGenesis = nowMs - settle().toMillis() - genesisSeconds * 1000;
      return sinceGenesis < 0 ? -1 : sinceGenesis / (lengthSeconds * 1000) - 1;
    }
  }

  /** One epoch's checkpoint as this node computed it. */
  public record Computed(long epoch, long boundaryMs, Cut cut, byte[] cutHash, byte[] root, int newEvents,
      int changedTopics, int topics, long computeMillis, StateTree<List<EventId>> tree) {}

  public Checkpointer(EventStore store, EpochClock epochs, Clock clock) {
    this.store = store;
    this.epochs = epochs;
    this.clock = clock;
  }

  public Checkpointer start() {
    thread.execute(this::step);
    thread.scheduleWithFixedDelay(this::tick, 250, 250, TimeUnit.MILLISECONDS);
    return this;
  }

  /** Signs, gathers and submits checkpoints from now on (a node with an operator key and a Checkpoints contract). */
  void consensus(Consensus c) {
    this.consensus = c;
  }

  private void tick() {
    Consensus c = consensus;
    if (c == null) {
      return;
    }
    try {
      c.tick();
    } catch (RuntimeException e) {
      LOG.warn("checkpoint consensus step failed: {}", e.toString());
    }
  }

  /** Computes every due epoch not computed yet, then sleeps until the next one is due. */
  private void step() {
    try {
      long due = epochs.newestDue(clock.millis());
      long next = computed.isEmpty() ? due : computed.lastKey() + 1;
      for (long e = next; e >= 0 && e <= due; e++) {
        compute(e);
      }
    } catch (RuntimeException e) {
      LOG.warn("checkpoint computation failed; retrying in 1 s", e);
      thread.schedule(this::step, 1, TimeUnit.SECONDS);
      return;
    }
    long nextDue = computed.isEmpty() ? Math.max(0, epochs.newestDue(clock.millis()) + 1) : computed.lastKey() + 1;
    long wait = epochs.boundaryMs(nextDue) + epochs.settle().toMillis() - clock.millis();
    thread.schedule(this::step, Math.max(50, wait), TimeUnit.MILLISECONDS);
  }

  private void compute(long epoch) {
    long start = System.nanoTime();
    long boundary = epochs.boundaryMs(epoch);
    CheckpointState.Advance a = state.advance(new StoreCutSource(store), boundary);
    long ms = (System.nanoTime() - start) / 1_000_000;
    computed.put(epoch, new Computed(epoch, boundary, a.cut(), a.cutHash(), a.root(), a.newEvents(),
        a.changedTopics(), a.tree().size(), ms, a.tree()));
    while (computed.size() > KEPT) {
      computed.pollFirstEntry();
    }
    LOG.info("checkpoint of epoch {}: root {} over {} events in {} topics ({} new events, {} topics changed,"
        + " {} ms)", epoch, HexFormat.of().formatHex(a.root()), a.cut().events(), a.tree().size(), a.newEvents(),
        a.changedTopics(), ms);
    Consensus c = consensus;
    if (c != null) {
      try {
        c.onComputed(computed.get(epoch));
      } catch (RuntimeException e) {
        LOG.warn("could not sign the checkpoint of epoch {}: {}", epoch, e.toString());
      }
    }
  }

  /** The checkpoint of an epoch, if computed and still kept. */
  public Optional<Computed> computed(long epoch) {
    return Optional.ofNullable(computed.get(epoch));
  }

  /** The newest computed checkpoint. */
  public Optional<Computed> latest() {
    Map.Entry<Long, Computed> e = computed.lastEntry();
    return e == null ? Optional.empty() : Optional.of(e.getValue());
  }

  /** A JSON document for {@code GET /debug/checkpoints}: the newest epochs, newest first. */
  public String status() {
    StringBuilder sb = new StringBuilder("{\"epochLengthSeconds\":").append(epochs.lengthSeconds())
        .append(",\"settleMs\":").append(epochs.settle().toMillis()).append(",\"checkpoints\":[");
    int n = 0;
    for (Computed c : computed.descendingMap().values()) {
      if (n++ == 16) {
        break;
      }
      HexFormat hex = HexFormat.of();
      sb.append(n > 1 ? "," : "").append("{\"epoch\":").append(c.epoch()).append(",\"boundaryMs\":")
          .append(c.boundaryMs()).append(",\"root\":\"").append(hex.formatHex(c.root())).append("\",\"cutHash\":\"")
          .append(hex.formatHex(c.cutHash())).append("\",\"events\":").append(c.cut().events())
          .append(",\"topics\":").append(c.topics()).append(",\"newEvents\":").append(c.newEvents())
          .append(",\"changedTopics\":").append(c.changedTopics()).append(",\"computeMs\":")
          .append(c.computeMillis()).append('}');
    }
    return sb.append("]}").toString();
  }

  EventStore store() {
    return store;
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
