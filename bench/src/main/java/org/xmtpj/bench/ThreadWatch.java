package org.xmtpj.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Where one named thread of the node (the single writer, "originator") spends its time during a window, from
 * Linux's per-thread accounting: on CPU and waiting for a CPU ({@code schedstat}), and, by sampling its state
 * every few milliseconds, blocked in the kernel on I/O (D: fsync, page writes) versus sleeping (S: idle or locks).
 */
final class ThreadWatch {
  private final Path task;
  private final long wallStart;
  private final long[] schedStart;
  private final Thread sampler;
  private volatile boolean running = true;
  private long samples;
  private long ioSamples;
  private long sleepSamples;
  private long runSamples;

  private ThreadWatch(Path task) {
    this.task = task;
    this.wallStart = System.nanoTime();
    this.schedStart = schedstat(task);
    this.sampler = Thread.ofPlatform().daemon().name("thread-watch").start(this::sample);
  }

  /** Watches the node thread called {@code name}, or returns null if there is none (or no /proc). */
  static ThreadWatch of(long pid, String name) {
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path t : tasks.toList()) {
        if (Files.readString(t.resolve("comm")).trim().equals(name)) {
          return new ThreadWatch(t);
        }
      }
    } catch (IOException e) {
      return null;
    }
    return null;
  }

  private void sample() {
    Path stat = task.resolve("stat");
    while (running) {
      try {
        String s = Files.readString(stat);
        char state = s.charAt(s.lastIndexOf(')') + 2);
        samples++;
        switch (state) {
          case 'D' -> ioSamples++;
          case 'R' -> runSamples++;
          default -> sleepSamples++;
        }
        Thread.sleep(5);
      } catch (IOException e) {
        return;
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** "on CPU x%, waiting for a CPU y%, in I/O (D) z%, sleeping w%" over the window. */
  String stop() {
    long wall = System.nanoTime() - wallStart;
    long[] end = schedstat(task);
    running = false;
    try {
      sampler.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (schedStart == null || end == null || samples == 0) {
      return "unavailable";
    }
    double cpu = 100.0 * (end[0] - schedStart[0]) / wall;
    double queued = 100.0 * (end[1] - schedStart[1]) / wall;
    double off = Math.max(0, 100 - cpu - queued);
    double blocked = ioSamples + sleepSamples;
    double io = blocked == 0 ? 0 : off * ioSamples / blocked;
    return String.format("on CPU %.0f%%, runnable but waiting for a CPU %.0f%%, blocked on disk I/O (state D) %.0f%%,"
        + " idle/sleeping %.0f%% (state samples R/D/S: %d/%d/%d)", cpu, queued, io, off - io, runSamples, ioSamples,
        sleepSamples);
  }

  private static long[] schedstat(Path task) {
    try {
      String[] f = Files.readString(task.resolve("schedstat")).trim().split("\\s+");
      return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
