package org.xmtpj.node.checkpoint;

import java.math.BigInteger;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmtpj.chain.ChainException;
import org.xmtpj.chain.Signer;
import org.xmtpj.chain.checkpoint.CheckpointTypedData;
import org.xmtpj.chain.checkpoint.CheckpointsClient;
import org.xmtpj.chain.checkpoint.SignedCheckpoint;
import org.xmtpj.chain.node.NodeRegistryClient;
import org.xmtpj.chain.staking.ActiveSet;
import org.xmtpj.chain.staking.StakingClient;
import org.xmtpj.dag.ClientEnvelope;
import org.xmtpj.node.ingest.Publisher;
import org.xmtpj.store.EventStore;
import org.xmtpj.store.StoredEnvelope;

/**
 * The node's part in checkpoint consensus (docs/consensus.md §5), run by the checkpointer's thread:
 * <ul>
 *   <li>signs each computed checkpoint of an epoch whose active set it is in, at most one root per epoch (the
 *       {@link SignedLog} survives restarts), and publishes the signature on {@link SignatureRecord#TOPIC}, so that
 *       replication carries it to every node;
 *   <li>collects the valid signatures it stores (signer = the node's registered operator, node in the epoch's
 *       active set) and submits a checkpoint once one (cut, root) carries ≥ 2/3 of the epoch's stake. A signature
 *       is checked only against a <em>final</em> active set ({@link ActiveSets}); one that names an epoch whose set
 *       can still change is held ({@link HeldSignatures}) and checked later, one that names an epoch older than the
 *       kept ones or beyond the next is dropped without asking the chain;
 *   <li>submits evidence when one node signed two roots for one epoch.
 * </ul>
 * Members take turns submitting by rank (3 s apart) so that one transaction usually suffices.
 */
final class Consensus {
  private static final Logger LOG = LoggerFactory.getLogger(Consensus.class);
  private static final long TURN_MS = 3_000;

  private final CheckpointsClient checkpoints;
  private final NodeRegistryClient registry;
  private final CheckpointTypedData typed;
  private final Signer operator;
  private final byte[] selfKey;
  private final Publisher publisher;
  private final EventStore store;
  private final SignedLog log;
  private final Clock clock;
  private final boolean equivocate;
  private final java.util.function.BooleanSupplier caughtUp;
  private final ConsensusMetrics metrics;
  private final Set<Long> warnedNoQuorum = new HashSet<>();
  private long newestComputed = -1;
  private final ActiveSets sets;
  private final HeldSignatures held = new HeldSignatures();
  private final Map<Long, String> operators = new HashMap<>();
  private final Map<Long, Map<Long, List<SignedCheckpoint>>> seen = new TreeMap<>(); // epoch → node → distinct
  /** Distinct messages kept per node and epoch: two prove a double signature, more only cost memory. */
  static final int MESSAGES_PER_NODE = 2;
  private final Map<String, Long> firstQuorumAt = new HashMap<>();
  private final Set<String> done = new HashSet<>();
  private long cursor;
  private Long selfId;

  Consensus(CheckpointsClient checkpoints, StakingClient staking, NodeRegistryClient registry,
      CheckpointTypedData typed, Signer operator, byte[] selfKey, Publisher publisher, EventStore store,
      SignedLog log, Clock clock, boolean equivocate, java.util.function.BooleanSupplier caughtUp,
      ConsensusMetrics metrics) {
    this.checkpoints = checkpoints;
    this.registry = registry;
    this.typed = typed;
    this.operator = operator;
    this.selfKey = selfKey.clone();
    this.publisher = publisher;
    this.store = store;
    this.log = log;
    this.clock = clock;
    this.equivocate = equivocate;
    this.caughtUp = caughtUp;
    this.metrics = metrics;
    this.sets = new ActiveSets(staking, clock);
  }

  /** Signs a freshly computed checkpoint if this node is a signer of its epoch. */
  void onComputed(Checkpointer.Computed c) {
    newestComputed = Math.max(newestComputed, c.epoch());
    if (!caughtUp.getAsBoolean()) {
      // a node still catching up would sign a root the others do not share: its signature would be wasted
      LOG.info("epoch {}: not signing, replication has not caught up with the peers yet", c.epoch());
      return;
    }
    Optional<Long> me = selfId();
    // the provisional set will do if the chain has not fixed the set yet (a node signs after its epoch ended, so
    // rarely): signing is harmless to a non-member, and the others check the signature against the final set
    ActiveSet set = sets.lookup(c.epoch()).set();
    if (me.isEmpty() || set == null || !set.contains(me.get())) {
      return;
    }
    Optional<SignedLog.Entry> before = log.signed(c.epoch());
    if (before.isPresent()) {
      if (!java.util.Arrays.equals(before.get().root(), c.root())) {
        LOG.warn("epoch {}: computed root {} differs from the root signed before this restart; not signing again",
            c.epoch(), HexFormat.of().formatHex(c.root()));
      }
      return;
    }
    log.record(c.epoch(), c.cutHash(), c.root());
    metrics.signed(c.epoch());
    publish(typed.sign(operator, me.get(), c.epoch(), c.cutHash(), c.root()));
    if (equivocate) {
      byte[] other = c.root().clone();
      other[31] ^= 1;
      LOG.warn("fault injection: also signing a second root for epoch {}", c.epoch());
      publish(typed.sign(operator, me.get(), c.epoch(), c.cutHash(), other));
    }
  }

  private void publish(SignedCheckpoint s) {
    publisher.publish(List.of(new ClientEnvelope(SignatureRecord.TOPIC, clock.millis() * 1_000_000L,
        SignatureRecord.encode(s)))).join();
    LOG.info("signed the checkpoint of epoch {}: root {}", s.epoch(), HexFormat.of().formatHex(s.root()));
  }

  /** Reads new signatures, then submits what has a quorum and reports double signers. */
  void tick() {
    // the kept epochs: Checkpointer keeps KEPT; the local clock bounds them before the first computation too
    long horizon = Math.max(newestComputed, sets.localEpoch() - 1) - Checkpointer.KEPT;
    seen.keySet().removeIf(e -> e < horizon);
    sets.prune(horizon);
    metrics.dropped(held.prune(horizon));
    for (List<StoredEnvelope> page = store.readAfter(cursor, Set.of(SignatureRecord.TOPIC), 500);
        !page.isEmpty(); page = store.readAfter(cursor, Set.of(SignatureRecord.TOPIC), 500)) {
      for (StoredEnvelope e : page) {
        // the cursor moves only once a record is handled: a chain error here re-reads it at the next tick
        SignatureRecord.decode(e.envelope().message()).ifPresent(s -> admit(s, horizon));
        cursor = e.localSeq();
      }
    }
    checkHeld();
    metrics.held(held.size());
    for (var epoch : seen.entrySet()) {
      reportDoubleSigners(epoch.getKey(), epoch.getValue());
      submitIfQuorum(epoch.getKey(), epoch.getValue());
      addMissingSignatures(epoch.getKey(), epoch.getValue());
    }
    watchForStalls();
  }

  /**
   * Safety over liveness must be visible: an epoch two epochs old without a checkpoint on chain gets one warning
   * that says how far its best root got, and the gauge of the newest finalized epoch stops moving.
   */
  private void watchForStalls() {
    long epoch = newestComputed - 2;
    if (epoch < 0 || warnedNoQuorum.contains(epoch)) {
      return;
    }
    warnedNoQuorum.add(epoch);
    checkpoints.lastFinalizedEpoch().ifPresent(metrics::finalized);
    if (checkpoints.checkpoint(epoch).isPresent()) {
      return;
    }
    ActiveSet set = sets.finalSet(epoch);
    BigInteger best = BigInteger.ZERO;
    Map<String, BigInteger> byMessage = new HashMap<>();
    for (List<SignedCheckpoint> list : seen.getOrDefault(epoch, Map.of()).values()) {
      for (SignedCheckpoint s : list) {
        String k = HexFormat.of().formatHex(s.root());
        best = best.max(byMessage.merge(k, stakeOf(set, s.nodeId()), BigInteger::add));
      }
    }
    metrics.stalled();
    LOG.warn("epoch {} has no checkpoint: its best root was signed by {} of {} stake (2/3 needed); fewer than 2/3"
        + " of the stake agree or can reach each other", epoch, best, set == null ? "?" : set.totalStake());
  }

  /**
   * Checks a record against its epoch's final set, or holds it until that set is final. Epochs outside [horizon,
   * newest plausible] are dropped before the chain is asked anything: their records can only cost memory and calls.
   */
  private void admit(SignedCheckpoint s, long horizon) {
    if (s.epoch() < horizon || s.epoch() > sets.newestPlausible()) {
      metrics.dropped(1);
      return;
    }
    ActiveSets.Answer a = sets.lookup(s.epoch());
    if (!a.isFinal()) {
      if (!held.add(s)) {
        metrics.dropped(1);
      }
      return;
    }
    if (valid(a.set(), s)) {
      remember(s);
    }
  }

  /** Checks the held records of each epoch whose set became final (the chain is asked at most once a second). */
  private void checkHeld() {
    for (long epoch : held.epochs()) {
      ActiveSets.Answer a = sets.lookup(epoch);
      if (a.isFinal()) {
        held.take(epoch).stream().filter(s -> valid(a.set(), s)).forEach(this::remember);
      }
    }
  }

  private boolean valid(ActiveSet set, SignedCheckpoint s) {
    if (set == null || !set.contains(s.nodeId())) {
      return false;
    }
    String op = operators.computeIfAbsent(s.nodeId(), id -> registry.node(id).map(n -> n.operator()).orElse(""));
    return typed.signerOf(s).filter(op::equalsIgnoreCase).isPresent();
  }

  private void remember(SignedCheckpoint s) {
    List<SignedCheckpoint> mine = seen.computeIfAbsent(s.epoch(), e -> new TreeMap<>())
        .computeIfAbsent(s.nodeId(), n -> new ArrayList<>());
    if (mine.size() < MESSAGES_PER_NODE && mine.stream().noneMatch(x -> x.sameMessage(s))) {
      mine.add(s);
    }
  }

  private void reportDoubleSigners(long epoch, Map<Long, List<SignedCheckpoint>> byNode) {
    for (var e : byNode.entrySet()) {
      List<SignedCheckpoint> signed = e.getValue();
      Optional<SignedCheckpoint> other = signed.stream()
          .filter(x -> !java.util.Arrays.equals(x.root(), signed.getFirst().root())).findFirst();
      String key = "evidence " + epoch + " " + e.getKey();
      if (other.isEmpty() || done.contains(key) || !myTurn(key, epoch)) {
        continue;
      }
      done.add(key);
      try {
        if (!checkpoints.isSlashed(epoch, e.getKey())) {
          BigInteger slashed = checkpoints.submitEvidence(signed.getFirst(), other.get());
          LOG.warn("node {} signed two roots for epoch {}: evidence submitted, {} base units slashed", e.getKey(),
              epoch, slashed);
        }
      } catch (ChainException ex) {
        LOG.info("evidence against node {} for epoch {} not accepted: {}", e.getKey(), epoch, ex.getMessage());
      }
    }
  }

  private void submitIfQuorum(long epoch, Map<Long, List<SignedCheckpoint>> byNode) {
    ActiveSet set = sets.finalSet(epoch); // final: seen holds only signatures checked against a final set
    if (set == null || sets.localEpoch() <= epoch) {
      return; // the contract refuses an epoch that is not over (EpochNotOver), and a refusal would spend our turn
    }
    Map<String, List<SignedCheckpoint>> byMessage = new HashMap<>();
    byNode.values().forEach(list -> list.forEach(s -> byMessage.computeIfAbsent(
        HexFormat.of().formatHex(s.cutHash()) + HexFormat.of().formatHex(s.root()), k -> new ArrayList<>()).add(s)));
    for (var m : byMessage.entrySet()) {
      BigInteger signed = m.getValue().stream().map(s -> stakeOf(set, s.nodeId())).reduce(BigInteger.ZERO,
          BigInteger::add);
      String key = "submit " + epoch;
      if (signed.multiply(BigInteger.valueOf(3)).compareTo(set.totalStake().multiply(BigInteger.TWO)) < 0
          || done.contains(key) || !myTurn(key, epoch)) {
        continue;
      }
      done.add(key);
      try {
        if (checkpoints.checkpoint(epoch).isEmpty()) {
          SignedCheckpoint any = m.getValue().getFirst();
          checkpoints.submit(epoch, any.cutHash(), any.root(), m.getValue());
          metrics.finalized(epoch);
          LOG.info("checkpoint of epoch {} finalized on chain with {} signatures ({} of {} stake)", epoch,
              m.getValue().size(), signed, set.totalStake());
        }
      } catch (ChainException ex) {
        LOG.info("checkpoint of epoch {} not submitted: {}", epoch, ex.getMessage());
      }
    }
  }

  /**
   * Once the epoch's checkpoint is on chain, adds the valid signatures of its (cut, root) that the submission left
   * out, before the contract's signature window closes: a submitter may send only the smallest 2/3, and the epoch's
   * reward (gated mode) goes to the signers recorded by the deadline. Tried again whenever more signers are seen.
   */
  private void addMissingSignatures(long epoch, Map<Long, List<SignedCheckpoint>> byNode) {
    if (!firstQuorumAt.containsKey("submit " + epoch)) {
      return; // no quorum seen yet: nothing can be on chain that these signatures could join
    }
    String key = "add " + epoch + " " + byNode.size();
    if (done.contains(key) || !myTurn(key, epoch)) {
      return;
    }
    done.add(key);
    try {
      Optional<org.xmtpj.chain.checkpoint.FinalizedCheckpoint> onChain = checkpoints.checkpoint(epoch);
      if (onChain.isEmpty()) {
        done.remove(key); // not submitted yet: look again at the next tick
        return;
      }
      var c = onChain.get();
      List<SignedCheckpoint> missing = byNode.entrySet().stream()
          .filter(e -> !c.signers().contains(e.getKey()))
          .flatMap(e -> e.getValue().stream())
          .filter(x -> java.util.Arrays.equals(x.root(), c.root()) && java.util.Arrays.equals(x.cutHash(), c.cutHash()))
          .toList();
      if (missing.isEmpty() || clock.millis() / 1000 >= checkpoints.signatureDeadline(epoch)) {
        return;
      }
      List<Long> added = checkpoints.addSignatures(epoch, missing);
      LOG.info("checkpoint of epoch {}: added the signatures of nodes {} left out of the submission", epoch, added);
    } catch (ChainException ex) {
      LOG.info("signatures for epoch {} not added: {}", epoch, ex.getMessage());
    }
  }

  /** Members act in rank order, {@link #TURN_MS} apart from the moment this node first saw the occasion. */
  private boolean myTurn(String occasion, long epoch) {
    if (operator == null) {
      return false;
    }
    long first = firstQuorumAt.computeIfAbsent(occasion, k -> clock.millis());
    ActiveSet set = sets.finalSet(epoch);
    int rank = selfId().map(id -> set.nodeIds().indexOf(id)).filter(i -> i >= 0).orElse(set.nodes().size());
    return clock.millis() >= first + rank * TURN_MS;
  }

  private static BigInteger stakeOf(ActiveSet set, long nodeId) {
    return set.nodes().stream().filter(n -> n.nodeId() == nodeId).map(n -> n.stake()).findFirst()
        .orElse(BigInteger.ZERO);
  }

  private Optional<Long> selfId() {
    if (selfId == null) {
      var id = registry.nodeIdByKey(selfKey);
      selfId = id.isPresent() ? id.getAsLong() : null;
    }
    return Optional.ofNullable(selfId);
  }
}
