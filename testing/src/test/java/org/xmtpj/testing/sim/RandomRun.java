package org.xmtpj.testing.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.xmtpj.dag.OriginKey;

/**
 * One random fault scenario, a pure function of its seed: 3–5 replicas, a random fault profile (loss 0–50 %,
 * duplication, delay and reordering), partitions and cut links that heal, sometimes a crash (between tasks or
 * inside an append, before or after its commit) and a restart, random publishes on random replicas across a few
 * topics plus a dormant topic written only at the start of the faulty phase, and a {@link LyingPeer} among the
 * peers. Then quiesce and check that the honest replicas converged.
 */
final class RandomRun {
  /** What a seed did, for the report. */
  record Outcome(long seed, String problem, long quiesceMs, int acked, long wallMs, String profile) {}

  /**
   * Seeds with a liar: every N-th ({@code -Dsim.liarEvery=N}, default 20; 1 puts one in every seed). A seed with
   * a liar runs about 19 times longer (its huge vectors, oversized replies and endless listings are all read and
   * refused), so CI's 500 seeds hold 25 of them.
   */
  static final int LIAR_EVERY = Integer.getInteger("sim.liarEvery", 20);

  private RandomRun() {}

  static Outcome run(long seed, String replayTest) {
    long t0 = System.nanoTime();
    SplittableRandom plan = new SplittableRandom(Long.reverse(seed) ^ 0x5DEECE66DL);
    int n = 3 + plan.nextInt(3);
    FaultProfile faults = FaultProfile.random(plan);
    double honesty = plan.nextDouble() * 0.66;
    boolean lying = seed % LIAR_EVERY == 0;
    try (Simulation sim = Simulation.builder(seed).replicas(n).extraMembers(lying ? 1 : 0).faults(faults)
        .replayTest(replayTest).build()) {
      sim.start();
      // a liar in every LIAR_EVERY-th seed: any reply of it may be a lie of any kind (LyingPeer), a third to all
      LyingPeer liar = lying ? LyingPeer.join(sim, 0).honesty(honesty) : null;
      if (plan.nextBoolean()) {
        sim.network().setSilentPushLoss(plan.nextDouble() * 0.3);
      }
      List<String> topics = new ArrayList<>();
      for (int i = 0, k = 3 + plan.nextInt(3); i < k; i++) {
        topics.add("/xmtp/0/m-sim-" + i + "/proto");
      }
      long windowMs = 60_000 + plan.nextLong(60_001);
      Workload work = new Workload(topics, "/xmtp/0/m-sim-dormant/proto", 20 + plan.nextInt(41),
          3 + plan.nextInt(6), 1_000, windowMs, 200);
      Workload.Tally tally = work.schedule(sim);
      List<String> events = new ArrayList<>();
      schedulePartitions(sim, plan, windowMs, events);
      scheduleCrash(sim, plan, windowMs, events);
      long t1 = System.nanoTime();
      sim.scheduler().runUntil(sim.scheduler().nowMs() + 1_000 + windowMs);
      long t2 = System.nanoTime();
      long quiesce = sim.quiesce();
      long t3 = System.nanoTime();
      String problem = ConvergenceOracle.check(sim, sim.replicas());
      long t4 = System.nanoTime();
      if (Boolean.getBoolean("sim.timing")) {
        System.out.printf("seed %d: start %d ms, run %d ms, quiesce %d ms, oracle %d ms, tasks %d, %s%n", seed,
            (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000, (t4 - t3) / 1_000_000,
            sim.scheduler().executedTasks(), sim.network().stats());
      }
      String profile = sim.replay() + " liesTold=" + (liar == null ? "no liar" : liar.liesTold())
          + " silentlyLostPushes="
          + sim.network().silentlyLostPushes() + " events=" + events
          + " publishes: " + tally;
      return new Outcome(seed, problem == null ? null : profile + "\n  " + problem, quiesce, tally.acked(),
          (System.nanoTime() - t0) / 1_000_000, profile);
    }
  }

  private static void schedulePartitions(Simulation sim, SplittableRandom plan, long windowMs, List<String> log) {
    List<SimReplica> rs = sim.replicas();
    for (int episode = 0; episode < 2; episode++) {
      if (plan.nextDouble() >= (episode == 0 ? 0.6 : 0.3)) {
        continue;
      }
      long at = sim.scheduler().nowMs() + plan.nextLong(windowMs);
      long length = 10_000 + plan.nextLong(80_001);
      List<OriginKey> left = new ArrayList<>();
      List<OriginKey> right = new ArrayList<>();
      for (SimReplica r : rs) {
        (plan.nextBoolean() ? left : right).add(r.key());
      }
      if (left.isEmpty() || right.isEmpty()) {
        (left.isEmpty() ? left : right).add((left.isEmpty() ? right : left).remove(0));
      }
      log.add("partition " + left.size() + "/" + right.size() + " @" + (at - SimScheduler.EPOCH_MS) + "+" + length);
      sim.scheduler().scheduleAt(at, () -> sim.network().partition(left, right));
      sim.scheduler().scheduleAt(at + length, () -> sim.network().partition());
    }
    if (plan.nextDouble() < 0.3) {
      int i = plan.nextInt(rs.size());
      SimReplica a = rs.get(i);
      SimReplica b = rs.get((i + 1 + plan.nextInt(rs.size() - 1)) % rs.size());
      long at = sim.scheduler().nowMs() + plan.nextLong(windowMs);
      long length = 5_000 + plan.nextLong(60_001);
      log.add("cut " + a.name() + "-" + b.name() + " @" + (at - SimScheduler.EPOCH_MS) + "+" + length);
      sim.scheduler().scheduleAt(at, () -> sim.network().cut(a.key(), b.key()));
      sim.scheduler().scheduleAt(at + length, () -> sim.network().restore(a.key(), b.key()));
    }
  }

  private static void scheduleCrash(Simulation sim, SplittableRandom plan, long windowMs, List<String> log) {
    if (plan.nextDouble() >= 0.25) {
      return;
    }
    SimReplica r = sim.replica(plan.nextInt(sim.replicas().size()));
    long at = sim.scheduler().nowMs() + plan.nextLong(windowMs);
    long down = 5_000 + plan.nextLong(55_001);
    int mode = plan.nextInt(3);
    int nth = 1 + plan.nextInt(5);
    log.add("crash " + r.name() + " @" + (at - SimScheduler.EPOCH_MS) + " mode=" + mode + " nth=" + nth);
    sim.scheduler().scheduleAt(at, () -> {
      if (!r.isUp()) {
        return;
      }
      if (mode == 0) {
        r.crash();
      } else {
        r.crashInAppend(nth, mode == 2);
      }
    });
    sim.scheduler().scheduleAt(at + down, () -> {
      if (r.isUp()) {
        r.disarm(); // it did not append that often meanwhile
      } else {
        r.start();
      }
    });
  }
}
