package org.xmtpj.node.chain;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.xmtpj.chain.events.ChainEvent;
import org.xmtpj.chain.staking.ActiveNode;
import org.xmtpj.dag.OriginKey;

/**
 * What the registry contracts say about the nodes, as a pure fold of their events in chain order: every node ever
 * registered (with its key, endpoint and whether it is still registered), the latest active-set snapshot, and
 * every node that was ever in a snapshotted active set. Immutable, so that the indexer can keep one per indexed
 * block range and roll back on a reorg by dropping the newer ones.
 *
 * @param everActive ids of the nodes in any active set so far: the authorized origins (registration is free, a
 *     place in an active set is not, so this set grows by at most the active-set size per snapshot)
 */
record RegistryState(Map<Long, Node> nodes, Map<OriginKey, Long> idsByKey, long activeEpoch,
    List<ActiveNode> active, BigInteger activeStake, Set<Long> everActive) {

  /** One registered node. */
  record Node(long id, String operator, OriginKey key, String endpoint, boolean registered) {}

  static final RegistryState EMPTY = new RegistryState(Map.of(), Map.of(), -1, List.of(), BigInteger.ZERO,
      Set.of());

  RegistryState {
    nodes = Collections.unmodifiableMap(new TreeMap<>(nodes));
    idsByKey = Map.copyOf(idsByKey);
    active = List.copyOf(active);
    everActive = Set.copyOf(everActive);
  }

  /** The state after {@code event}; events that do not concern membership leave it as it is. */
  RegistryState apply(ChainEvent event) {
    return applyAll(List.of(event));
  }

  /**
   * The state after {@code events}, folded in one pass over mutable copies: registration is free, so a range may
   * hold thousands of them, and copying the maps per event would make the fold quadratic.
   */
  RegistryState applyAll(List<ChainEvent> events) {
    Map<Long, Node> n = new HashMap<>(nodes);
    Map<OriginKey, Long> k = new HashMap<>(idsByKey);
    Set<Long> ever = new HashSet<>(everActive);
    long epoch = activeEpoch;
    List<ActiveNode> set = active;
    BigInteger stake = activeStake;
    boolean changed = false;
    for (ChainEvent event : events) {
      switch (event) {
        case ChainEvent.NodeRegistered r -> {
          Node node = new Node(r.nodeId(), r.operator(), new OriginKey(r.nodeKey()), r.endpoint(), true);
          n.put(node.id(), node);
          k.put(node.key(), node.id());
          changed = true;
        }
        case ChainEvent.NodeUpdated u -> changed |= n.computeIfPresent(u.nodeId(), (id, old) ->
            withEndpoint(old, u.endpoint())) != null;
        case ChainEvent.NodeDeregistered d -> changed |= n.computeIfPresent(d.nodeId(), (id, old) ->
            deregistered(old)) != null;
        case ChainEvent.EpochSnapshotted s -> {
          epoch = s.epoch();
          set = s.nodes();
          stake = s.totalStake();
          s.nodes().forEach(a -> ever.add(a.nodeId()));
          changed = true;
        }
        default -> { }
      }
    }
    return changed ? new RegistryState(n, k, epoch, set, stake, ever) : this;
  }

  Optional<Long> idOf(OriginKey key) {
    return Optional.ofNullable(idsByKey.get(key));
  }

  /** The active set's members that are still registered, in rank order. */
  List<Node> activeNodes() {
    List<Node> out = new ArrayList<>();
    for (ActiveNode a : active) {
      Node n = nodes.get(a.nodeId());
      if (n != null && n.registered()) {
        out.add(n);
      }
    }
    return out;
  }

  boolean isActive(OriginKey key) {
    Long id = idsByKey.get(key);
    return id != null && active.stream().anyMatch(a -> a.nodeId() == id) && nodes.get(id).registered();
  }

  /** The keys of every node that was ever in an active set. */
  Set<OriginKey> everActiveKeys() {
    Set<OriginKey> out = new HashSet<>();
    for (long id : everActive) {
      Node n = nodes.get(id);
      if (n != null) {
        out.add(n.key());
      }
    }
    return out;
  }

  private static Node withEndpoint(Node n, String endpoint) {
    return new Node(n.id(), n.operator(), n.key(), endpoint, n.registered());
  }

  private static Node deregistered(Node n) {
    return new Node(n.id(), n.operator(), n.key(), n.endpoint(), false);
  }
}
