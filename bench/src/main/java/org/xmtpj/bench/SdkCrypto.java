package org.xmtpj.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.xmtpj.client.SdkCryptoBench;

/**
 * Runs the JMH benchmark {@link SdkCryptoBench} (the SDK's encode, decode and invitation steps) single-threaded
 * and puts ops/s into the report. The forks inherit this JVM's CPU affinity ({@code bench/run.sh} starts it under
 * {@code taskset -c 0}) and get {@code -XX:ActiveProcessorCount=1}, so each figure is what one core does.
 */
final class SdkCrypto {
  private SdkCrypto() {}

  static void run(org.xmtpj.bench.Options o, Section s) throws RunnerException {
    int forks = o.intValue("jmh-forks", 1);
    int warmups = o.intValue("jmh-warmup", 15);
    int iterations = o.intValue("jmh-iterations", 5);
    int seconds = o.intValue("jmh-seconds", 2);
    String only = o.string("jmh-include", "");
    s.parameter("benchmark", "JMH 1.37, " + SdkCryptoBench.class.getName() + ", mode throughput, 1 thread")
        .parameter("JMH run", String.format("%d fork(s) × (%d warm-up + %d measured iterations of %d s)", forks,
            warmups, iterations, seconds))
        .parameter("CPU pinning", pinning());
    Options opts = new OptionsBuilder()
        .include(SdkCryptoBench.class.getName() + "\\." + (only.isEmpty() ? "" : only))
        .forks(forks)
        .threads(1)
        .warmupIterations(warmups)
        .warmupTime(TimeValue.seconds(seconds))
        .measurementIterations(iterations)
        .measurementTime(TimeValue.seconds(seconds))
        .timeUnit(TimeUnit.SECONDS)
        .jvmArgsAppend("-XX:ActiveProcessorCount=1", "--enable-native-access=ALL-UNNAMED")
        .shouldFailOnError(true)
        .build();
    Collection<RunResult> results = new Runner(opts).run();
    List<RunResult> sorted = new ArrayList<>(results);
    sorted.sort((a, b) -> label(a).compareTo(label(b)));
    StringBuilder table =
        new StringBuilder("| benchmark | size | ops/s (one core) | ± 99.9 % | µs/op |\n|---|---|---|---|---|\n");
    for (RunResult r : sorted) {
      double score = r.getPrimaryResult().getScore();
      double error = r.getPrimaryResult().getScoreError();
      String bench = r.getParams().getBenchmark();
      String name = bench.substring(bench.lastIndexOf('.') + 1);
      String size = r.getParams().getParamsKeys().contains("size") ? r.getParams().getParam("size") + " B" : "";
      table.append(String.format("| %s | %s | %,.0f | %,.0f | %.1f |%n", name, size, score,
          Double.isNaN(error) ? 0 : error, 1e6 / score));
      s.result(name + (size.isEmpty() ? "" : " " + size), String.format("%,.0f ops/s (± %,.0f), %.1f µs/op", score,
          Double.isNaN(error) ? 0 : error, 1e6 / score));
    }
    s.appendix(table.toString());
  }

  private static String label(RunResult r) {
    String size = r.getParams().getParamsKeys().contains("size") ? r.getParams().getParam("size") : "";
    return r.getParams().getBenchmark() + String.format("%08d", size.isEmpty() ? 0 : Integer.parseInt(size));
  }

  /** This JVM's allowed CPUs and what it believes it has; JMH's forks inherit the affinity. */
  static String pinning() {
    return "allowed CPUs " + allowedCpus(ProcessHandle.current().pid()) + " (taskset), JVM sees "
        + Runtime.getRuntime().availableProcessors() + " processor(s); JVM flags "
        + java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter(a -> a.startsWith("-XX:")).toList();
  }

  /** {@code Cpus_allowed_list} of a process, e.g. "0" or "0-1"; "?" without /proc. */
  static String allowedCpus(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("Cpus_allowed_list:")) {
          return line.substring(line.indexOf(':') + 1).strip();
        }
      }
    } catch (IOException e) {
      // no /proc
    }
    return "?";
  }
}
