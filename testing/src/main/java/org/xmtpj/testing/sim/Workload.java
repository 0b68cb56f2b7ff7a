package org.xmtpj.testing.sim;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Random client publishes: {@code publishes} envelopes on random replicas and topics at uniform times within
 * [{@code startMs}, {@code startMs + durationMs}) of virtual time, plus {@code dormantPublishes} on a dormant
 * topic, all within the first tenth of the window and never again (only anti-entropy can repair their losses).
 */
public record Workload(List<String> topics, String dormantTopic, int publishes, int dormantPublishes, long startMs,
    long durationMs, int maxPayloadBytes) {

  public Workload {
    topics = List.copyOf(topics);
  }

  /** What the workload's publishes got (a refused publish is a client's retry elsewhere, not a loss). */
  public static final class Tally {
    private int acked;
    private int notCaughtUp;
    private int down;
    private int failed;

    void count(SimReplica.PublishResult r) {
      switch (r) {
        case ACKED -> acked++;
        case NOT_CAUGHT_UP -> notCaughtUp++;
        case DOWN -> down++;
        case FAILED -> failed++;
      }
    }

    public int acked() {
      return acked;
    }

    public int notCaughtUp() {
      return notCaughtUp;
    }

    public int down() {
      return down;
    }

    public int failed() {
      return failed;
    }

    @Override
    public String toString() {
      return "acked=" + acked + " notCaughtUp=" + notCaughtUp + " down=" + down + " failed=" + failed;
    }
  }

  /** Schedules every publish on the simulation's scheduler; draws all choices now, from the workload stream. */
  public Tally schedule(Simulation sim) {
    Tally tally = new Tally();
    SplittableRandom rnd = sim.random();
    long base = sim.scheduler().nowMs() + startMs;
    for (int i = 0; i < dormantPublishes; i++) {
      plan(sim, tally, rnd, base + rnd.nextLong(Math.max(1, durationMs / 10)), dormantTopic);
    }
    for (int i = 0; i < publishes; i++) {
      plan(sim, tally, rnd, base + rnd.nextLong(Math.max(1, durationMs)), topics.get(rnd.nextInt(topics.size())));
    }
    return tally;
  }

  private void plan(Simulation sim, Tally tally, SplittableRandom rnd, long atMs, String topic) {
    SimReplica r = sim.replica(rnd.nextInt(sim.replicas().size()));
    byte[] payload = new byte[8 + rnd.nextInt(Math.max(1, maxPayloadBytes - 8))];
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) rnd.nextInt(256);
    }
    sim.scheduler().scheduleAt(atMs, () -> tally.count(r.publish(topic, payload)));
  }
}
