package org.xmtpj.testing.sim;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.xmtpj.node.replication.Scheduler;

/**
 * One incarnation of one replica on the shared {@link SimScheduler}: its replication thread. When the replica
 * crashes the lane dies, and every task it still had queued (timers, answers to its calls) becomes a no-op, as a
 * killed process's would. After each task, {@code afterTask} runs (the replica checks whether it just crashed).
 */
final class Lane implements Scheduler {
  private final SimScheduler scheduler;
  private final Runnable afterTask;
  private final BooleanSupplier crashing;
  private boolean dead;

  Lane(SimScheduler scheduler, BooleanSupplier crashing, Runnable afterTask) {
    this.scheduler = scheduler;
    this.crashing = crashing;
    this.afterTask = afterTask;
  }

  @Override
  public void execute(Runnable task) {
    if (!dead) {
      scheduler.execute(guard(task));
    }
  }

  @Override
  public void schedule(Duration delay, Runnable task) {
    if (!dead) {
      scheduler.schedule(delay, guard(task));
    }
  }

  void kill() {
    dead = true;
  }

  boolean dead() {
    return dead;
  }

  /** Runs a task on this lane now (the caller is already on the scheduler's thread). */
  void runNow(Runnable task) {
    if (!dead) {
      guard(task).run();
    }
  }

  private Runnable guard(Runnable task) {
    return () -> {
      if (dead) {
        return;
      }
      try {
        task.run();
      } catch (RuntimeException e) {
        if (!crashing.getAsBoolean()) {
          throw e; // a real failure: the scheduler records it
        }
      } finally {
        afterTask.run();
      }
    };
  }
}
