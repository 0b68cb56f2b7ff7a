package org.xmtpj.node.replication;

import java.time.Duration;

/**
 * The one thread that owns replication state. Real nodes use a single-threaded executor; the deterministic
 * simulator runs every replica on one virtual-time scheduler.
 */
public interface Scheduler {
  void execute(Runnable task);

  void schedule(Duration delay, Runnable task);
}
