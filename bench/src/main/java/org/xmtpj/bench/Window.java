package org.xmtpj.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What the machine and the node did during one measurement window: load average, CPU used by the node and by
 * this load generator, and the node's group commits.
 */
final class Window {
  private final BenchNode node;
  private final long startNanos;
  private final String loadBefore;
  private final long[] pressureBefore;
  private long[] pressureAfter;
  private final long nodeCpuBefore;
  private final long benchCpuBefore;
  private final String metricsBefore;
  private final ThreadWatch preparer;
  private final ThreadWatch committer;
  private final TaskCpu tasksBefore;
  private TaskCpu tasksAfter;
  private String preparerTime = "unavailable";
  private String committerTime;
  private long endNanos;
  private String loadAfter;
  private long nodeCpuAfter;
  private long benchCpuAfter;
  private String metricsAfter;

  private Window(BenchNode node) {
    this.node = node;
    this.startNanos = System.nanoTime();
    this.nodeCpuBefore = node.cpuNanos();
    this.tasksBefore = TaskCpu.snapshot(node.pid());
    this.benchCpuBefore = benchCpuNanos();
    this.loadBefore = loadAverage();
    this.pressureBefore = pressure();
    this.metricsBefore = node.metrics();
    this.preparer = ThreadWatch.of(node.pid(), "originator");
    this.committer = ThreadWatch.of(node.pid(), "committer");
  }

  static Window open(BenchNode node) {
    return new Window(node);
  }

  Window close() {
    endNanos = System.nanoTime();
    if (preparer != null) {
      preparerTime = preparer.stop();
    }
    if (committer != null) {
      committerTime = committer.stop();
    }
    nodeCpuAfter = node.cpuNanos();
    tasksAfter = TaskCpu.snapshot(node.pid());
    benchCpuAfter = benchCpuNanos();
    loadAfter = loadAverage();
    pressureAfter = pressure();
    metricsAfter = node.metrics();
    return this;
  }

  double seconds() {
    return (endNanos - startNanos) / 1e9;
  }

  long startNanos() {
    return startNanos;
  }

  /** Adds load, CPU and commit figures to the section. */
  void report(Section s) {
    report(s, "");
  }

  /** As {@link #report(Section)}, every result name starting with {@code prefix} (e.g. "node 2: "). */
  void report(Section s, String prefix) {
    s.result(prefix + "load average (1/5/15 min) before → after", loadBefore + " → " + loadAfter);
    if (pressureBefore != null && pressureAfter != null) {
      double us = (endNanos - startNanos) / 1e3;
      s.result(prefix + "machine pressure (PSI, share of the window)", String.format("some task waiting for a "
              + "CPU %.0f %%, for I/O %.0f %% (all tasks stalled on I/O %.0f %%)",
          100 * (pressureAfter[0] - pressureBefore[0]) / us, 100 * (pressureAfter[1] - pressureBefore[1]) / us,
          100 * (pressureAfter[2] - pressureBefore[2]) / us));
    }
    double wall = endNanos - startNanos;
    s.result(prefix + "CPU used (cores of 2): node / load generator", String.format("%.2f / %.2f",
        (nodeCpuAfter - nodeCpuBefore) / wall, (benchCpuAfter - benchCpuBefore) / wall));
    s.result(prefix + "node CPU by thread group (cores)", tasksAfter.busiestSince(tasksBefore, seconds(), 7));
    s.result(prefix + "node writer thread \"originator\" time", preparerTime);
    if (committerTime != null) {
      s.result(prefix + "node writer thread \"committer\" time", committerTime);
    }
    double commits = delta("xmtpd_store_commits_total");
    double events = delta("xmtpd_store_events_written_total");
    double commitSum = delta("xmtpd_store_commit_seconds_sum");
    double commitCount = delta("xmtpd_store_commit_seconds_count");
    if (commits > 0) {
      s.result(prefix + "node group commits", String.format("%,.0f commits/s, %.1f events per commit, mean commit %.2f ms",
          commits / seconds(), events / commits, commitCount > 0 ? 1000 * commitSum / commitCount : Double.NaN));
    }
  }

  private double delta(String name) {
    return BenchNode.metric(metricsAfter, name) - BenchNode.metric(metricsBefore, name);
  }

  /** Linux pressure stall totals in µs: {cpu some, io some, io full}; null without PSI. */
  static long[] pressure() {
    try {
      return new long[] {psiTotal("cpu", "some"), psiTotal("io", "some"), psiTotal("io", "full")};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static long psiTotal(String resource, String kind) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/pressure", resource))) {
      if (line.startsWith(kind + " ")) {
        return Long.parseLong(line.substring(line.indexOf("total=") + 6).trim());
      }
    }
    throw new IOException("no " + kind + " line in /proc/pressure/" + resource);
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "?";
    }
  }

  static long benchCpuNanos() {
    return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
  }
}
