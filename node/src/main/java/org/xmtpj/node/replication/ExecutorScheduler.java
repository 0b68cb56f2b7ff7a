package org.xmtpj.node.replication;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link Scheduler} on one platform thread; a task that throws is logged and does not stop the thread. */
public final class ExecutorScheduler implements Scheduler, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorScheduler.class);
  private final ScheduledExecutorService executor;

  public ExecutorScheduler(String name) {
    this.executor = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name(name).daemon()
        .unstarted(r));
  }

  @Override
  public void execute(Runnable task) {
    if (!executor.isShutdown()) {
      executor.execute(guarded(task));
    }
  }

  @Override
  public void schedule(Duration delay, Runnable task) {
    if (!executor.isShutdown()) {
      executor.schedule(guarded(task), delay.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private static Runnable guarded(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.error("replication task failed", e);
      }
    };
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
