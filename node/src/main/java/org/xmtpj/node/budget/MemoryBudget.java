package org.xmtpj.node.budget;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Bytes of heap that requests in progress may hold at once, node-wide: answers being built or sent, request
 * bodies being read. Each limit on one request (a page's byte budget, the largest body) bounds what one request can
 * hold; this bounds what all of them hold together, which per-request limits cannot (128 concurrent batch queries
 * of 4 MiB each outgrow a 512 MiB heap). A request books what it holds through a {@link Lease} and gives it back
 * when its answer has left; what cannot be booked within a short wait is refused, so the node answers "busy"
 * instead of running out of memory. Thread-safe.
 */
public final class MemoryBudget {
  private final String name;
  private final long capacity;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition freed = lock.newCondition();
  private long used;
  private long refused;

  /**
   * @param name what it budgets, for the messages of refusals (for example {@code limits.maxInFlightBytes})
   * @param capacity bytes that may be booked at once
   */
  public MemoryBudget(String name, long capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException(name + " must be positive, was " + capacity);
    }
    this.name = name;
    this.capacity = capacity;
  }

  public String name() {
    return name;
  }

  public long capacity() {
    return capacity;
  }

  /** Bytes booked now. */
  public long used() {
    lock.lock();
    try {
      return used;
    } finally {
      lock.unlock();
    }
  }

  /** Bookings refused since start (for metrics and tests). */
  public long refused() {
    lock.lock();
    try {
      return refused;
    } finally {
      lock.unlock();
    }
  }

  /** A lease that holds nothing yet. */
  public Lease lease() {
    return new Lease();
  }

  private boolean awaitNanos(long nanos) {
    try {
      freed.awaitNanos(nanos);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private boolean tryBook(long bytes) {
    lock.lock();
    try {
      // one booking larger than the whole budget may still run alone, or it could never run
      if (used + bytes > capacity && !(used == 0 && bytes > capacity)) {
        refused++;
        return false;
      }
      used += bytes;
      return true;
    } finally {
      lock.unlock();
    }
  }

  private boolean book(long bytes, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    lock.lock();
    try {
      while (used + bytes > capacity && !(used == 0 && bytes > capacity)) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !awaitNanos(left)) {
          refused++;
          return false;
        }
      }
      used += bytes;
      return true;
    } finally {
      lock.unlock();
    }
  }

  private void give(long bytes) {
    if (bytes <= 0) {
      return;
    }
    lock.lock();
    try {
      used -= bytes;
      freed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * What one request holds of the budget. It grows while the request reads or builds, may shrink once the size is
   * known, and is given back whole by {@link #close} (idempotent; safe from any thread).
   */
  public final class Lease implements AutoCloseable {
    private long held;
    private boolean closed;

    private Lease() {}

    /** Books {@code bytes} more if there is room now; false (booking nothing) if not. */
    public synchronized boolean tryAdd(long bytes) {
      requireOpen();
      if (bytes <= 0) {
        return true;
      }
      if (!tryBook(bytes)) {
        return false;
      }
      held += bytes;
      return true;
    }

    /**
     * Books {@code bytes} more, waiting up to {@code wait} for room.
     *
     * @throws BudgetExhausted if there was no room in time (nothing more is booked)
     */
    public void add(long bytes, Duration wait) {
      if (bytes <= 0) {
        return;
      }
      synchronized (this) {
        requireOpen();
      }
      if (!book(bytes, wait)) {
        throw new BudgetExhausted(MemoryBudget.this, bytes, wait);
      }
      synchronized (this) {
        if (closed) { // closed while waiting: hand it straight back
          give(bytes);
          return;
        }
        held += bytes;
      }
    }

    /** Gives back what is held above {@code bytes}. */
    public synchronized void shrinkTo(long bytes) {
      if (closed || bytes >= held) {
        return;
      }
      give(held - Math.max(0, bytes));
      held = Math.max(0, bytes);
    }

    public synchronized long held() {
      return held;
    }

    @Override
    public synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      give(held);
      held = 0;
    }

    private void requireOpen() {
      if (closed) {
        throw new IllegalStateException("lease of " + name + " already closed");
      }
    }
  }

  /** A booking that found no room in time. */
  public static final class BudgetExhausted extends RuntimeException {
    private final transient MemoryBudget budget;

    public BudgetExhausted(MemoryBudget budget, long bytes, Duration wait) {
      super("the node is busy: requests in progress hold its whole " + budget.name + " (" + budget.capacity
          + " bytes) and " + bytes + " more bytes found no room within " + wait.toMillis() + " ms; retry shortly");
      this.budget = budget;
    }

    public MemoryBudget budget() {
      return budget;
    }
  }
}
