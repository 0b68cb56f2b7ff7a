package org.xmtpj.testing.sim;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.BooleanSupplier;
import org.xmtpj.node.replication.Scheduler;

/**
 * Virtual time for the deterministic simulator. Every replica, the network and the workload run as tasks of one
 * queue ordered by (time, insertion sequence) on the calling thread, so a run is a pure function of its seed.
 * {@link #execute} runs a task at the current time after the tasks already due; {@link #schedule} after a delay.
 *
 * <p>A task that throws is recorded, not rethrown: the run continues as a real node's executor would, and the
 * {@link ConvergenceOracle} fails the seed if anything was recorded.
 */
public final class SimScheduler implements Scheduler {
  /** Virtual time starts here (2026-01-01T00:00:00Z), so wall-clock-looking values stay realistic. */
  public static final long EPOCH_MS = 1_767_225_600_000L;

  private record Task(long atMs, long seq, Runnable run) {}

  private final PriorityQueue<Task> queue = new PriorityQueue<>((a, b) -> a.atMs != b.atMs
      ? Long.compare(a.atMs, b.atMs) : Long.compare(a.seq, b.seq));
  private final List<Throwable> errors = new ArrayList<>();
  private final Clock clock = new VirtualClock();
  private long nowMs = EPOCH_MS;
  private long seq;
  private long executed;

  @Override
  public void execute(Runnable task) {
    queue.add(new Task(nowMs, seq++, task));
  }

  @Override
  public void schedule(Duration delay, Runnable task) {
    scheduleAt(nowMs + Math.max(0, delay.toMillis()), task);
  }

  public void scheduleAt(long atMs, Runnable task) {
    queue.add(new Task(Math.max(atMs, nowMs), seq++, task));
  }

  /** Current virtual time in epoch milliseconds. */
  public long nowMs() {
    return nowMs;
  }

  /** Virtual milliseconds since the start of the run. */
  public long elapsedMs() {
    return nowMs - EPOCH_MS;
  }

  /** A clock that reads virtual time (for replicas, writers and stores). */
  public Clock clock() {
    return clock;
  }

  /** A clock running {@code offsetMs} ahead of (or behind) virtual time: a node with a skewed wall clock. */
  public Clock clock(long offsetMs) {
    return Clock.offset(clock, Duration.ofMillis(offsetMs));
  }

  public long executedTasks() {
    return executed;
  }

  public List<Throwable> errors() {
    return List.copyOf(errors);
  }

  /** Runs one task; false if none is queued. */
  public boolean step() {
    Task t = queue.poll();
    if (t == null) {
      return false;
    }
    nowMs = Math.max(nowMs, t.atMs);
    executed++;
    try {
      t.run.run();
    } catch (RuntimeException | AssertionError e) {
      errors.add(e);
    }
    return true;
  }

  /** Runs every task due up to {@code atMs}, then leaves the clock there. */
  public void runUntil(long atMs) {
    while (!queue.isEmpty() && queue.peek().atMs <= atMs) {
      step();
    }
    nowMs = Math.max(nowMs, atMs);
  }

  public void runFor(Duration d) {
    runUntil(nowMs + d.toMillis());
  }

  /**
   * Runs in steps of {@code stepMs} until {@code quiet} holds at the end of a step or {@code maxAtMs} is reached.
   * Periodic tasks (anti-entropy, housekeeping) keep the queue from ever emptying, so quiet is the caller's
   * notion (no pending or in-flight work). Returns true if it became quiet.
   */
  public boolean runUntilQuiet(long maxAtMs, long stepMs, BooleanSupplier quiet) {
    while (nowMs < maxAtMs) {
      runUntil(Math.min(maxAtMs, nowMs + stepMs));
      if (quiet.getAsBoolean()) {
        return true;
      }
    }
    return quiet.getAsBoolean();
  }

  /** Runs until {@code done} holds (checked after every task) or {@code maxAtMs}; true if it held. */
  public boolean runUntil(BooleanSupplier done, long maxAtMs) {
    while (!done.getAsBoolean()) {
      if (queue.isEmpty() || queue.peek().atMs > maxAtMs) {
        nowMs = Math.max(nowMs, maxAtMs);
        return done.getAsBoolean();
      }
      step();
    }
    return true;
  }

  private final class VirtualClock extends Clock {
    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public long millis() {
      return nowMs;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(nowMs);
    }
  }
}
