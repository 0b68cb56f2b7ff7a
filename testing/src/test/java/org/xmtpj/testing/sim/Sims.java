package org.xmtpj.testing.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.xmtpj.dag.CachingVerifier;
import org.xmtpj.dag.ClientEnvelope;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.SignedEvent;
import org.xmtpj.dag.SortDirection;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.store.Head;
import org.xmtpj.store.RowEvent;

/** Shared helpers of the simulated scenario tests. */
final class Sims {
  private Sims() {}

  /** The scenario's default seed, or {@code -Dsim.seed=N} to replay another. */
  static long seed(long defaultSeed) {
    return Long.getLong("sim.seed", defaultSeed);
  }

  static Simulation.Builder builder(long seed, Class<?> test, String method) {
    String replayTest = test.getSimpleName() + "#" + method;
    SeedReporter.REPLAY.set("seed=" + seed + " (replay: ./mvnw -B -ntp -o -pl testing test -Dtest=" + replayTest
        + " -Dsim.seed=" + seed + ")");
    return Simulation.builder(seed).replayTest(replayTest);
  }

  /** A scenario's simulation: its default seed unless {@code -Dsim.seed=N}, replayed by this very test. */
  static Simulation.Builder builder(long defaultSeed, org.junit.jupiter.api.TestInfo info) {
    return builder(seed(defaultSeed), info.getTestClass().orElseThrow(), info.getTestMethod().orElseThrow().getName());
  }

  /** Cheap convergence check: equal vectors and equal fingerprint buckets (equal heads of every topic). */
  static boolean converged(List<SimReplica> rs) {
    var v = rs.get(0).store().vector();
    byte[][] f = rs.get(0).store().fingerprintBuckets();
    for (SimReplica r : rs.subList(1, rs.size())) {
      if (!r.store().vector().equals(v) || !Arrays.deepEquals(r.store().fingerprintBuckets(), f)) {
        return false;
      }
    }
    return true;
  }

  static List<ClientEnvelope> read(SimReplica r, String topic) {
    return ConvergenceOracle.all(r.store(), topic, SortDirection.ASCENDING);
  }

  static List<EventId> heads(SimReplica r, String topic) {
    return r.store().heads(TopicKey.of(topic)).stream().map(Head::id).toList();
  }

  static Map<EventId, SignedEvent> events(SimReplica r) {
    return ReplicaState.read(r.store(), new CachingVerifier(10_000)).events();
  }

  /** One topic's events as stored, in the replica's insertion order (parents first). */
  static List<byte[]> topicRows(SimReplica r, String topic) {
    List<byte[]> out = new ArrayList<>();
    long row = 0;
    while (true) {
      List<RowEvent> page = r.store().topicRange(TopicKey.of(topic), row, 1_000, Long.MAX_VALUE);
      page.forEach(e -> out.add(e.raw()));
      if (page.size() < 1_000) {
        return out;
      }
      row = page.get(page.size() - 1).row();
    }
  }

  static byte[] bytes(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
