package org.xmtpj.testing.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xmtpj.dag.CachingVerifier;

/** A seed is a complete description of a run: replaying it gives the same run, call for call. */
class SimulatorDeterminismTest {

  /** Seeds 11–13 caught a replay difference that the engine's iteration over identity-hashed keys caused. */
  @ParameterizedTest
  @ValueSource(longs = {11, 12, 13})
  void shouldReplayASeedCallForCall(long defaultSeed) {
    long seed = Long.getLong("sim.seed", defaultSeed);
    assertThat(trace(seed)).isEqualTo(trace(seed));
  }

  @Test
  void shouldRunDifferentSeedsDifferently() {
    assertThat(trace(7)).isNotEqualTo(trace(8));
  }

  /** Every call the network carried (type, link, size, time) and every replica's final vector. */
  private static List<String> trace(long seed) {
    List<String> out = new ArrayList<>();
    try (Simulation sim = Simulation.builder(seed).replicas(4).replayTest("SimulatorDeterminismTest")
        .faults(new FaultProfile(0.3, 0.2, 1, 400, 2_000)).build()) {
      sim.network().stats().observe(c -> out.add(c.type() + " " + sim.network().name(c.from()) + ">"
          + sim.network().name(c.to()) + " " + c.requestBytes() + " @" + c.atMs()));
      sim.start();
      new Workload(List.of("/xmtp/0/m-det-a/proto", "/xmtp/0/m-det-b/proto"), "/xmtp/0/m-det-d/proto", 30, 3,
          1_000, 40_000, 100).schedule(sim);
      sim.network().partition(List.of(sim.replica(0).key()));
      sim.scheduler().scheduleAt(sim.scheduler().nowMs() + 20_000, () -> sim.network().heal());
      sim.runFor(java.time.Duration.ofSeconds(45));
      sim.quiesce();
      ConvergenceOracle.assertConverged(sim);
      CachingVerifier verifier = new CachingVerifier(10_000);
      sim.replicas().forEach(r -> out.add(r.name() + " " + ReplicaState.read(r.store(), verifier).heads()));
      out.add("tasks " + sim.scheduler().executedTasks());
    }
    return out;
  }
}
