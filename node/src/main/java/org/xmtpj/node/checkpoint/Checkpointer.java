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
 * versions, for inclusion proofs. The state is saved after every epoch ({@link StateJournal}); at start the node goes
 * on from the saved epoch, or, without one, computes the newest due epoch in one step from the stored events (the
 * cut rule gives the same cut whether reached in one step or many).
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
  private final StateJournal journal;
  private final java.util.function.BooleanSupplier caughtUp;
  private CheckpointState state = new CheckpointState();
  private long lastComputed = -1;
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

  /**
   * @param journal where the state is saved after every epoch and read back at start (null: rebuilt from the
   *     stored events at every start)
   * @param caughtUp whether replication's first catch-up is over: the epochs that fell due while the node was
   *     away are computed only then, from the events the others had, not from the stale view of a restart
   */
  public Checkpointer(EventStore store, EpochClock epochs, Clock clock, java.nio.file.Path journal,
      java.util.function.BooleanSupplier caughtUp) {
    this.store = store;
    this.epochs = epochs;
    this.clock = clock;
    this.journal = journal == null ? null : new StateJournal(journal);
    this.caughtUp = caughtUp;
  }

  public Checkpointer start() {
    thread.execute(this::restore);
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

  /** Goes on from the journal's epoch, if it has one of this chain's epochs (its proofs are served again). */
  private void restore() {
    if (journal == null) {
      return;
    }
    long start = System.nanoTime();
    Optional<StateJournal.Restored> r = journal.load();
    if (r.isEmpty()) {
      return;
    }
    StateJournal.Restored restored = r.get();
    if (restored.boundaryMs() != epochs.boundaryMs(restored.epoch())) {
      LOG.warn("checkpoint state journal {} is for another epoch schedule (epoch {} ends at {} ms, not {} ms);"
          + " rebuilding from the stored events", journal.file(), restored.epoch(), restored.boundaryMs(),
          epochs.boundaryMs(restored.epoch()));
      journal.reset();
      return;
    }
    state = restored.state();
    lastComputed = restored.epoch();
    long ms = (System.nanoTime() - start) / 1_000_000;
    Cut cut = state.cut();
    computed.put(lastComputed, new Computed(lastComputed, restored.boundaryMs(), cut, cut.hash(), state.root(), 0,
        0, state.topics(), ms, state.tree()));
    LOG.info("checkpoint state of epoch {} loaded from {}: root {} over {} events in {} topics ({} ms)",
        lastComputed, journal.file(), HexFormat.of().formatHex(state.root()), cut.events(), state.topics(), ms);
  }

  /** Computes every due epoch not computed yet, then sleeps until the next one is due. */
  private void step() {
    if (!caughtUp.getAsBoolean()) {
      thread.schedule(this::step, 250, TimeUnit.MILLISECONDS);
      return;
    }
    try {
      long due = epochs.newestDue(clock.millis());
      // a long absence: the cut rule gives the same state in one step as in many, and only KEPT are kept
      long next = lastComputed < 0 ? due : Math.max(lastComputed + 1, due - KEPT + 1);
      for (long e = next; e >= 0 && e <= due; e++) {
        compute(e);
      }
    } catch (RuntimeException e) {
      LOG.warn("checkpoint computation failed; retrying in 1 s", e);
      thread.schedule(this::step, 1, TimeUnit.SECONDS);
      return;
    }
    long nextDue = lastComputed < 0 ? Math.max(0, epochs.newestDue(clock.millis()) + 1) : lastComputed + 1;
    long wait = epochs.boundaryMs(nextDue) + epochs.settle().toMillis() - clock.millis();
    thread.schedule(this::step, Math.max(50, wait), TimeUnit.MILLISECONDS);
  }

  private void compute(long epoch) {
    long start = System.nanoTime();
    long boundary = epochs.boundaryMs(epoch);
    CheckpointState.Advance a = state.advance(new StoreCutSource(store), boundary);
    long ms = (System.nanoTime() - start) / 1_000_000;
    lastComputed = epoch;
    if (journal != null) {
      journal.append(epoch, boundary, a);
    }
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
