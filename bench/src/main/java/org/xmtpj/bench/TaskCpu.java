package org.xmtpj.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Per-thread CPU of a process from {@code /proc/PID/task/TID/stat} (user and system ticks), so a window can say
 * which threads of the node used the CPU, kernel time included (which JFR's Java samples do not show).
 */
final class TaskCpu {
  private static final double TICK = 100.0; // USER_HZ on Linux

  private final Map<String, long[]> byTask; // tid -> {user, system}
  private final Map<String, String> names;

  private TaskCpu(Map<String, long[]> byTask, Map<String, String> names) {
    this.byTask = byTask;
    this.names = names;
  }

  static TaskCpu snapshot(long pid) {
    Map<String, long[]> ticks = new HashMap<>();
    Map<String, String> names = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path t : tasks.toList()) {
        try {
          String s = Files.readString(t.resolve("stat"));
          int close = s.lastIndexOf(')');
          String name = s.substring(s.indexOf('(') + 1, close);
          String[] f = s.substring(close + 2).split(" ");
          // after ")": state(0) ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime(11) stime(12)
          ticks.put(t.getFileName().toString(), new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])});
          names.put(t.getFileName().toString(), name.replaceAll("\\d+", "N"));
        } catch (IOException | RuntimeException gone) {
          // thread ended meanwhile
        }
      }
    } catch (IOException e) {
      // no /proc
    }
    return new TaskCpu(ticks, names);
  }

  /** CPU seconds (user + system) used since {@code earlier} by the threads whose group name {@code matches}. */
  double secondsSince(TaskCpu earlier, java.util.function.Predicate<String> matches) {
    long ticks = 0;
    for (Map.Entry<String, long[]> e : byTask.entrySet()) {
      if (matches.test(names.get(e.getKey()))) {
        long[] before = earlier.byTask.getOrDefault(e.getKey(), new long[2]);
        ticks += e.getValue()[0] - before[0] + e.getValue()[1] - before[1];
      }
    }
    return ticks / TICK;
  }

  /** "name user+sys cores (sys part), ..." for the busiest thread groups between this and {@code later}. */
  String busiestSince(TaskCpu earlier, double seconds, int top) {
    Map<String, double[]> groups = new HashMap<>();
    double[] total = new double[2];
    byTask.forEach((tid, now) -> {
      long[] before = earlier.byTask.getOrDefault(tid, new long[2]);
      double user = (now[0] - before[0]) / TICK / seconds;
      double sys = (now[1] - before[1]) / TICK / seconds;
      double[] g = groups.computeIfAbsent(names.get(tid), k -> new double[2]);
      g[0] += user;
      g[1] += sys;
      total[0] += user;
      total[1] += sys;
    });
    StringBuilder out = new StringBuilder(String.format("total %.2f cores (user %.2f, system %.2f); ",
        total[0] + total[1], total[0], total[1]));
    groups.entrySet().stream()
        .sorted((a, b) -> Double.compare(b.getValue()[0] + b.getValue()[1], a.getValue()[0] + a.getValue()[1]))
        .limit(top)
        .forEach(e -> out.append(String.format("%s %.2f (sys %.2f), ", e.getKey(),
            e.getValue()[0] + e.getValue()[1], e.getValue()[1])));
    return out.substring(0, out.length() - 2);
  }
}
