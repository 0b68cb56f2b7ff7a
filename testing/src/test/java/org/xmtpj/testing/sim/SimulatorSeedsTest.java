package org.xmtpj.testing.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Convergence under random faults, seed after seed (replication-prior-art.md §5.e). CI runs 500 seeds; the
 * {@code sim-long} Maven profile runs 10,000 ({@code -Dsim.seeds=N} sets any count, {@code -Dsim.firstSeed=N}
 * the first one, {@code -Dsim.threads=N} the parallelism); {@code -Dsim.seed=N} replays one seed.
 */
class SimulatorSeedsTest {
  private static final String REPLAY = "SimulatorSeedsTest";

  @Test
  @Timeout(value = 4, unit = TimeUnit.HOURS)
  void shouldConvergeForEverySeedUnderRandomFaults() throws Exception {
    List<Long> seeds = seeds();
    int threads = Integer.getInteger("sim.threads", 2);
    long t0 = System.nanoTime();
    List<RandomRun.Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      List<Future<?>> futures = new ArrayList<>();
      for (long seed : seeds) {
        futures.add(pool.submit(() -> outcomes.add(runGuarded(seed))));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    }
    long wallMs = (System.nanoTime() - t0) / 1_000_000;
    List<RandomRun.Outcome> failed = outcomes.stream().filter(o -> o.problem() != null)
        .sorted((a, b) -> Long.compare(a.seed(), b.seed())).toList();
    long acked = outcomes.stream().mapToLong(RandomRun.Outcome::acked).sum();
    long maxQuiesce = outcomes.stream().mapToLong(RandomRun.Outcome::quiesceMs).max().orElse(0);
    RandomRun.Outcome slowest = outcomes.stream().max((a, b) -> Long.compare(a.wallMs(), b.wallMs())).orElseThrow();
    System.out.printf("sim seeds: %d seeds on %d threads in %d ms wall (%.0f ms/seed); %d publishes acked; "
        + "longest quiescence %d ms virtual; slowest seed %d (%d ms); %d failed%n", seeds.size(), threads, wallMs,
        (double) wallMs * threads / seeds.size(), acked, maxQuiesce, slowest.seed(), slowest.wallMs(),
        failed.size());
    StringBuilder report = new StringBuilder();
    failed.stream().limit(5).forEach(o -> report.append("\n").append(o.problem()));
    assertThat(failed).as("%d of %d seeds diverged; failing seeds %s%s", failed.size(), seeds.size(),
        failed.stream().map(RandomRun.Outcome::seed).toList(), report).isEmpty();
  }

  private static RandomRun.Outcome runGuarded(long seed) {
    try {
      return RandomRun.run(seed, REPLAY);
    } catch (RuntimeException | AssertionError e) {
      java.io.StringWriter w = new java.io.StringWriter();
      e.printStackTrace(new java.io.PrintWriter(w));
      return new RandomRun.Outcome(seed, "seed=" + seed + " (replay: ./mvnw -B -ntp -o -pl testing test -Dtest="
          + REPLAY + " -Dsim.seed=" + seed + ") threw\n  " + w, 0, 0, 0, "");
    }
  }

  private static List<Long> seeds() {
    String one = System.getProperty("sim.seed");
    if (one != null && !one.isBlank()) {
      return List.of(Long.parseLong(one.trim()));
    }
    long first = Long.getLong("sim.firstSeed", 1);
    int count = Integer.getInteger("sim.seeds", 500);
    List<Long> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(first + i);
    }
    return out;
  }
}
