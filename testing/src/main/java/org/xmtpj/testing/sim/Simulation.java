package org.xmtpj.testing.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.xmtpj.crypto.Ed25519KeyPair;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.node.ingest.WriterPolicy;
import org.xmtpj.node.replication.PeerInfo;
import org.xmtpj.node.replication.ReplicationConfig;
import org.xmtpj.node.replication.ReplicationLimits;
import org.xmtpj.node.replication.ReplicatorOptions;

/**
 * A deterministic network of replicas: one seed determines keys, network faults, engine randomness and workload,
 * so a failing run replays exactly with {@code -Dsim.seed=N}. Build it, {@link #start} the replicas, drive it
 * with publishes, faults and virtual time, then {@link #quiesce} and check it with {@link ConvergenceOracle}.
 */
public final class Simulation implements AutoCloseable {
  private final long seed;
  private final String replayTest;
  private final SimScheduler scheduler = new SimScheduler();
  private final SimNetwork network;
  private final SimReplica.Setup setup;
  private final List<SimReplica> replicas = new ArrayList<>();
  private final List<Ed25519KeyPair> extraMembers = new ArrayList<>();
  private final SplittableRandom workloadRandom;
  private final Path dir;
  private final String description;

  private Simulation(Builder b) {
    this.seed = b.seed;
    this.replayTest = b.replayTest;
    SplittableRandom root = new SplittableRandom(b.seed);
    SplittableRandom keyRandom = root.split();
    this.network = new SimNetwork(scheduler, root.split(), b.limits);
    this.workloadRandom = root.split();
    network.setFaults(b.faults);
    try {
      this.dir = Files.createTempDirectory(StoreTemplate.baseDir(), "sim-" + b.seed + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Ed25519KeyPair> keys = new ArrayList<>();
    for (int i = 0; i < b.replicas + b.extraMembers; i++) {
      byte[] secret = new byte[32];
      for (int j = 0; j < 32; j += 8) {
        long v = keyRandom.nextLong();
        for (int k = 0; k < 8; k++) {
          secret[j + k] = (byte) (v >>> (8 * k));
        }
      }
      keys.add(Ed25519KeyPair.fromPrivateKey(secret));
    }
    List<PeerInfo> members = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      members.add(new PeerInfo(new OriginKey(keys.get(i).publicKey()), memberName(i, b.replicas), 5557));
    }
    ReplicationConfig config = new ReplicationConfig(0, List.of(), null, b.antiEntropyInterval, b.pushLinger,
        Duration.ofMillis(b.faults.callTimeoutMs()), b.limits, b.retention);
    this.setup = new SimReplica.Setup(scheduler, network, config, b.options, b.policy, List.copyOf(members), dir);
    for (int i = 0; i < b.replicas; i++) {
      long offset = i < b.clockOffsetsMs.size() ? b.clockOffsetsMs.get(i) : 0;
      replicas.add(new SimReplica(setup, memberName(i, b.replicas), keys.get(i), root.split(), offset));
    }
    extraMembers.addAll(keys.subList(b.replicas, keys.size()));
    this.description = "replicas=" + b.replicas + " extra=" + b.extraMembers + " faults=[" + b.faults + "]";
  }

  private static String memberName(int i, int replicas) {
    return i < replicas ? "r" + i : "m" + (i - replicas);
  }

  public static Builder builder(long seed) {
    return new Builder(seed);
  }

  /** Starts every replica. */
  public Simulation start() {
    replicas.forEach(SimReplica::start);
    return this;
  }

  public long seed() {
    return seed;
  }

  public SimScheduler scheduler() {
    return scheduler;
  }

  public SimNetwork network() {
    return network;
  }

  public List<SimReplica> replicas() {
    return List.copyOf(replicas);
  }

  public SimReplica replica(int i) {
    return replicas.get(i);
  }

  public Set<OriginKey> keys(List<SimReplica> rs) {
    return rs.stream().map(SimReplica::key).collect(Collectors.toSet());
  }

  /** Keys of members that are not simulated replicas (driven by a test, e.g. {@link MaliciousPeer}). */
  public Ed25519KeyPair extraMember(int i) {
    return extraMembers.get(i);
  }

  /** The workload's own random stream (independent of the network's and the engines'). */
  public SplittableRandom random() {
    return workloadRandom;
  }

  public ReplicationConfig config() {
    return setup.config();
  }

  public ReplicatorOptions options() {
    return setup.options();
  }

  public WriterPolicy policy() {
    return setup.policy();
  }

  public void runFor(Duration d) {
    scheduler.runFor(d);
  }

  /** No replica has orphans or inserts in flight, and the network carries nothing. */
  public boolean quiet() {
    for (SimReplica r : replicas) {
      if (r.isUp()) {
        var s = r.replicator().status();
        if (s.pending() > 0 || s.inFlight() > 0) {
          return false;
        }
      }
    }
    return network.idle();
  }

  /**
   * Ends all faults (heals partitions and cut links, restarts crashed replicas — replicas never started or gone
   * stay out — no loss or duplication), runs at
   * least two anti-entropy intervals (at their longest jitter), then until quiet. Returns the virtual ms spent.
   */
  public long quiesce() {
    long start = scheduler.nowMs();
    network.heal();
    network.setFaults(FaultProfile.NONE.withDelays(1, 5));
    network.setSilentPushLoss(0);
    replicas.forEach(SimReplica::disarm);
    replicas.stream().filter(r -> !r.isUp() && r.starts() > 0 && !r.isGone()).forEach(SimReplica::start);
    long interval = setup.config().antiEntropyInterval().toMillis();
    scheduler.runFor(Duration.ofMillis(2 * interval * 13 / 10 + 1_000));
    scheduler.runUntilQuiet(scheduler.nowMs() + 20 * interval, 500, this::quiet);
    return scheduler.nowMs() - start;
  }

  /** How to replay this run; every failure message starts with it. */
  public String replay() {
    return "seed=" + seed + " (replay: ./mvnw -B -ntp -o -pl testing test -Dtest=" + replayTest + " -Dsim.seed="
        + seed + ") " + description;
  }

  @Override
  public void close() {
    replicas.forEach(SimReplica::close);
    StoreTemplate.delete(dir);
  }

  /** Defaults: 3 replicas, no faults, 30 s anti-entropy, 2 ms push linger, default limits and options. */
  public static final class Builder {
    private final long seed;
    private int replicas = 3;
    private int extraMembers;
    private FaultProfile faults = FaultProfile.NONE;
    private Duration antiEntropyInterval = Duration.ofSeconds(30);
    private Duration pushLinger = Duration.ofMillis(2);
    private ReplicationLimits limits = ReplicationLimits.DEFAULTS;
    private ReplicatorOptions options = ReplicatorOptions.DEFAULTS;
    private WriterPolicy policy = WriterPolicy.of(1_000, 10_000);
    private List<Long> clockOffsetsMs = List.of();
    private String replayTest = "SimulatorSeedsTest";
    private Duration retention = Duration.ZERO;

    private Builder(long seed) {
      this.seed = seed;
    }

    public Builder replicas(int n) {
      this.replicas = n;
      return this;
    }

    /** Members (peers and authorized origins) that are not simulated replicas, e.g. malicious peers. */
    public Builder extraMembers(int n) {
      this.extraMembers = n;
      return this;
    }

    public Builder faults(FaultProfile f) {
      this.faults = f;
      return this;
    }

    public Builder antiEntropyInterval(Duration d) {
      this.antiEntropyInterval = d;
      return this;
    }

    public Builder pushLinger(Duration d) {
      this.pushLinger = d;
      return this;
    }

    public Builder limits(ReplicationLimits l) {
      this.limits = l;
      return this;
    }

    public Builder options(ReplicatorOptions o) {
      this.options = o;
      return this;
    }

    public Builder writerPolicy(WriterPolicy p) {
      this.policy = p;
      return this;
    }

    /** Per replica (by index), how far its wall clock runs ahead of virtual time. */
    public Builder clockOffsetsMs(List<Long> offsets) {
      this.clockOffsetsMs = List.copyOf(offsets);
      return this;
    }

    /** Every replica prunes events older than this (docs/replication.md §6); zero, the default, keeps all. */
    public Builder retention(Duration r) {
      this.retention = r;
      return this;
    }

    /** The {@code -Dtest=} filter that reruns this simulation (printed with the seed on failure). */
    public Builder replayTest(String test) {
      this.replayTest = test;
      return this;
    }

    public Simulation build() {
      return new Simulation(this);
    }
  }
}
