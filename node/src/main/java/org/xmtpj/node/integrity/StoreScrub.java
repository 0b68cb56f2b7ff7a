package org.xmtpj.node.integrity;

import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmtpj.store.EventStore;

/**
 * Once at start, in the background while the node serves: every stored event is checked against its id
 * ({@link EventStore#verifyStored}), so that damage the database's own check cannot see (bytes inside a row) is
 * quarantined and fetched again from peers before a client asks for it. Reads are checked too, so nothing damaged
 * is served meanwhile; this only makes the repair prompt and complete.
 */
public final class StoreScrub {
  private static final Logger LOG = LoggerFactory.getLogger(StoreScrub.class);
  /** Rows per step: one short read transaction each, so the writer's checkpoints are not held back. */
  static final int ROWS_PER_STEP = 2_000;

  private final EventStore store;
  private final LongSupplier clockMs;
  private volatile boolean stopped;
  private Thread thread;

  public StoreScrub(EventStore store, LongSupplier clockMs) {
    this.store = store;
    this.clockMs = clockMs;
  }

  public void start() {
    thread = Thread.ofVirtual().name("store-scrub").start(this::run);
  }

  public void stop() {
    stopped = true;
    Thread t = thread;
    if (t != null) {
      t.interrupt();
      try {
        t.join(2_000); // the store closes next: let the step in progress end first
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void run() {
    long started = clockMs.getAsLong();
    int before = store.quarantined(Integer.MAX_VALUE).size();
    long row = 0;
    long steps = 0;
    try {
      while (!stopped && row >= 0) {
        row = store.verifyStored(row, ROWS_PER_STEP);
        steps++;
      }
    } catch (RuntimeException e) {
      if (!stopped) {
        LOG.warn("checking the stored events against their ids stopped after {} steps", steps, e);
      }
      return;
    }
    int damaged = store.quarantined(Integer.MAX_VALUE).size() - before;
    if (!stopped) {
      LOG.info("checked every stored event against its id in {} ms: {} damaged (quarantined, fetched again from"
          + " peers)", clockMs.getAsLong() - started, Math.max(0, damaged));
    }
  }
}
