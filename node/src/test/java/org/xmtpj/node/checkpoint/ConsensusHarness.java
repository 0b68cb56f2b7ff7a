package org.xmtpj.node.checkpoint;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.lang.reflect.Proxy;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.xmtpj.chain.ContractRevertException;
import org.xmtpj.chain.Signer;
import org.xmtpj.chain.TxReceipt;
import org.xmtpj.chain.checkpoint.CheckpointTypedData;
import org.xmtpj.chain.checkpoint.CheckpointsClient;
import org.xmtpj.chain.checkpoint.FinalizedCheckpoint;
import org.xmtpj.chain.checkpoint.SignedCheckpoint;
import org.xmtpj.chain.node.NodeRegistryClient;
import org.xmtpj.chain.node.RegisteredNode;
import org.xmtpj.chain.staking.ActiveNode;
import org.xmtpj.chain.staking.ActiveSet;
import org.xmtpj.chain.staking.StakingClient;
import org.xmtpj.chain.staking.StakingSchedule;
import org.xmtpj.chain.staking.Unbonding;
import org.xmtpj.dag.ClientEnvelope;
import org.xmtpj.node.ingest.Publisher;
import org.xmtpj.store.EventStore;
import org.xmtpj.store.StoredEnvelope;

/**
 * A {@link Consensus} wired to in-memory fakes of the chain (Staking's snapshot rules, the registry, Checkpoints),
 * of the store's signature topic and of the clock, so that the order of chain events and signature records can be
 * chosen exactly. The fakes answer only what Consensus asks; everything else fails loudly.
 */
final class ConsensusHarness {
  static final long GENESIS = 1_000_000;
  static final long EPOCH_SECONDS = 60;
  static final byte[] CUT = filled(32, 0x0c);
  static final byte[] ROOT = filled(32, 0x0e);

  final MutableClock clock = new MutableClock(GENESIS * 1000);
  final FakeStaking staking = new FakeStaking(clock);
  final FakeRegistry registry = new FakeRegistry();
  final FakeCheckpoints checkpoints = new FakeCheckpoints();
  final List<StoredEnvelope> topic = new ArrayList<>();
  final CheckpointTypedData typed = new CheckpointTypedData(31337, "0x" + "ab".repeat(20));
  final PrometheusRegistry metrics = new PrometheusRegistry();
  private final Map<Long, Signer> operators = new HashMap<>();
  final Consensus consensus;

  /** Nodes 1..count are registered; {@code self} is this node's id. */
  ConsensusHarness(Path dir, int count, long self) {
    for (long id = 1; id <= count; id++) {
      Signer s = Signer.fromPrivateKey(String.format("%064x", 0x1000 + id));
      operators.put(id, s);
      registry.nodes.put(id, new RegisteredNode(id, s.address(), key(id), "http://n" + id, 0, 0, 0, true, 0));
    }
    Publisher publisher = (envelopes, auth) -> {
      envelopes.forEach(this::append);
      return CompletableFuture.completedFuture(null);
    };
    consensus = new Consensus(checkpoints, staking, registry, typed, operators.get(self), key(self), publisher,
        store(), new SignedLog(dir.resolve("signed.log")), clock, false, () -> true, new ConsensusMetrics(metrics));
  }

  /** Moves the clock into {@code epoch}, {@code seconds} after its start. */
  void at(long epoch, long seconds) {
    clock.set((GENESIS + epoch * EPOCH_SECONDS + seconds) * 1000);
  }

  /** Publishes node {@code id}'s signature of (epoch, CUT, root) on the signature topic, as replication would. */
  SignedCheckpoint sign(long id, long epoch, byte[] root) {
    SignedCheckpoint s = typed.sign(operators.get(id), id, epoch, CUT, root);
    append(new ClientEnvelope(SignatureRecord.TOPIC, clock.millis() * 1_000_000L, SignatureRecord.encode(s)));
    return s;
  }

  /** Appends a raw record (any claimed node, any epoch, a signature nobody checked). */
  void forged(long id, long epoch, int variant) {
    byte[] sig = filled(65, variant);
    sig[64] = 27;
    append(new ClientEnvelope(SignatureRecord.TOPIC, clock.millis() * 1_000_000L,
        SignatureRecord.encode(new SignedCheckpoint(id, epoch, CUT, filled(32, variant + 1), sig))));
  }

  /** Ticks, then ticks again past every member's turn. */
  void settle() {
    consensus.tick();
    clock.advance(10 * 3_000 + 1);
    consensus.tick();
  }

  double metric(String name) {
    for (MetricSnapshot s : metrics.scrape()) {
      if (s.getMetadata().getName().equals(name) && !s.getDataPoints().isEmpty()) {
        Object p = s.getDataPoints().getFirst();
        return p instanceof CounterSnapshot.CounterDataPointSnapshot c ? c.getValue()
            : ((GaugeSnapshot.GaugeDataPointSnapshot) p).getValue();
      }
    }
    return Double.NaN;
  }

  private void append(ClientEnvelope e) {
    topic.add(new StoredEnvelope(topic.size() + 1, e));
  }

  private EventStore store() {
    return (EventStore) Proxy.newProxyInstance(EventStore.class.getClassLoader(), new Class<?>[] {EventStore.class},
        (proxy, method, args) -> {
          if (!method.getName().equals("readAfter")) {
            throw new UnsupportedOperationException(method.getName());
          }
          long after = (Long) args[0];
          int limit = (Integer) args[2];
          return topic.stream().filter(e -> e.localSeq() > after).limit(limit).toList();
        });
  }

  static byte[] key(long id) {
    byte[] k = new byte[32];
    k[31] = (byte) id;
    return k;
  }

  static byte[] filled(int n, int b) {
    byte[] x = new byte[n];
    Arrays.fill(x, (byte) b);
    return x;
  }

  static ActiveNode node(long id, long stake) {
    return new ActiveNode(id, BigInteger.valueOf(stake));
  }

  static final class MutableClock extends Clock {
    private long millis;

    MutableClock(long millis) {
      this.millis = millis;
    }

    void set(long m) {
      millis = m;
    }

    void advance(long m) {
      millis += m;
    }

    @Override
    public long millis() {
      return millis;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  /** Staking's snapshot rules: one snapshot per epoch, at the current one; activeSet(e) = the latest ≤ e. */
  static final class FakeStaking implements StakingClient {
    private final Clock clock;
    private final List<ActiveSet> snapshots = new ArrayList<>();
    final List<Long> activeSetCalls = new ArrayList<>();
    int currentEpochCalls;

    FakeStaking(Clock clock) {
      this.clock = clock;
    }

    /** advanceEpoch with these members: the snapshot of the current epoch. */
    void snapshot(ActiveNode... members) {
      long epoch = epochNow();
      if (!snapshots.isEmpty() && snapshots.getLast().snapshotEpoch() >= epoch) {
        throw new ContractRevertException("Staking.advanceEpoch", "EpochAlreadySnapshotted", List.of(epoch), null);
      }
      BigInteger total = Arrays.stream(members).map(ActiveNode::stake).reduce(BigInteger.ZERO, BigInteger::add);
      snapshots.add(new ActiveSet(epoch, epoch, List.of(members), total));
    }

    private long epochNow() {
      return schedule().epochAt(clock.millis() / 1000);
    }

    @Override
    public long currentEpoch() {
      currentEpochCalls++;
      return epochNow();
    }

    @Override
    public Optional<ActiveSet> activeSet(long epoch) {
      activeSetCalls.add(epoch);
      return snapshots.reversed().stream().filter(s -> s.snapshotEpoch() <= epoch).findFirst()
          .map(s -> new ActiveSet(epoch, s.snapshotEpoch(), s.nodes(), s.totalStake()));
    }

    @Override
    public Optional<ActiveSet> currentActiveSet() {
      return activeSet(epochNow());
    }

    @Override
    public StakingSchedule schedule() {
      return new StakingSchedule(GENESIS, EPOCH_SECONDS, 3600);
    }

    @Override
    public TxReceipt delegate(long nodeId, BigInteger amount) {
      throw new UnsupportedOperationException();
    }

    @Override
    public long undelegate(long nodeId, BigInteger amount) {
      throw new UnsupportedOperationException();
    }

    @Override
    public BigInteger withdraw(long unbondingId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public BigInteger claimRewards(long nodeId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public BigInteger claimCommission(long nodeId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ActiveSet advanceEpoch() {
      throw new UnsupportedOperationException("use snapshot(...)");
    }

    @Override
    public BigInteger stakeOf(String delegator, long nodeId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public BigInteger selfStakeOf(long nodeId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public BigInteger totalStakeOf(long nodeId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public BigInteger pendingRewards(String delegator, long nodeId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<Unbonding> unbonding(long unbondingId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<Long> candidates() {
      throw new UnsupportedOperationException();
    }
  }

  static final class FakeRegistry implements NodeRegistryClient {
    final Map<Long, RegisteredNode> nodes = new HashMap<>();
    final List<Long> nodeCalls = new ArrayList<>();

    @Override
    public Optional<RegisteredNode> node(long nodeId) {
      nodeCalls.add(nodeId);
      return Optional.ofNullable(nodes.get(nodeId));
    }

    @Override
    public OptionalLong nodeIdByKey(byte[] nodeKey) {
      return nodes.values().stream().filter(n -> Arrays.equals(n.nodeKey(), nodeKey))
          .mapToLong(RegisteredNode::id).findFirst();
    }

    @Override
    public long register(org.xmtpj.crypto.Ed25519KeyPair nodeKey, String endpoint, int commissionBps) {
      throw new UnsupportedOperationException();
    }

    @Override
    public long register(byte[] nodeKey, String endpoint, int commissionBps, byte[] nodeKeySignature) {
      throw new UnsupportedOperationException();
    }

    @Override
    public TxReceipt updateEndpoint(long nodeId, String endpoint) {
      throw new UnsupportedOperationException();
    }

    @Override
    public TxReceipt setCommission(long nodeId, int commissionBps) {
      throw new UnsupportedOperationException();
    }

    @Override
    public TxReceipt deregister(long nodeId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public OptionalLong nodeIdOfOperator(String operator) {
      throw new UnsupportedOperationException();
    }

    @Override
    public long nodeCount() {
      return nodes.size();
    }

    @Override
    public List<RegisteredNode> nodes() {
      throw new UnsupportedOperationException();
    }
  }

  /** Records what was submitted; checks nothing (the tests check the submissions against the real set). */
  static final class FakeCheckpoints implements CheckpointsClient {
    final Map<Long, FinalizedCheckpoint> finalized = new HashMap<>();
    final List<List<SignedCheckpoint>> submissions = new ArrayList<>();

    @Override
    public FinalizedCheckpoint submit(long epoch, byte[] cutHash, byte[] root, List<SignedCheckpoint> signatures) {
      submissions.add(List.copyOf(signatures));
      FinalizedCheckpoint c = new FinalizedCheckpoint(epoch, cutHash, root,
          signatures.stream().map(SignedCheckpoint::nodeId).sorted().toList(), BigInteger.ZERO, BigInteger.ZERO);
      finalized.put(epoch, c);
      return c;
    }

    @Override
    public BigInteger submitEvidence(SignedCheckpoint first, SignedCheckpoint second) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<FinalizedCheckpoint> checkpoint(long epoch) {
      return Optional.ofNullable(finalized.get(epoch));
    }

    @Override
    public OptionalLong lastFinalizedEpoch() {
      return finalized.keySet().stream().mapToLong(Long::longValue).max();
    }

    @Override
    public boolean isSlashed(long epoch, long nodeId) {
      return false;
    }

    @Override
    public byte[] digest(long epoch, byte[] cutHash, byte[] root) {
      throw new UnsupportedOperationException();
    }

    @Override
    public int slashBps() {
      return 500;
    }

    @Override
    public List<Long> addSignatures(long epoch, List<SignedCheckpoint> signatures) {
      return List.of();
    }

    @Override
    public boolean settle(long epoch) {
      return false;
    }

    @Override
    public long signatureDeadline(long epoch) {
      return Long.MAX_VALUE;
    }

    @Override
    public long finalizationDeadline(long epoch) {
      return Long.MAX_VALUE;
    }

    @Override
    public OptionalLong finalizedAt(long epoch) {
      return OptionalLong.empty();
    }
  }
}
