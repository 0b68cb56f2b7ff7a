package org.xmtpj.node.chain;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.xmtpj.chain.events.ChainEvent;
import org.xmtpj.chain.staking.ActiveNode;
import org.xmtpj.dag.OriginKey;

/**
 * What the registry contracts say about the nodes, as a pure fold of their events in chain order: every node ever
 * registered (with its key, endpoint and whether it is still registered) and the latest active-set snapshot.
 * Immutable, so that the indexer can keep one per indexed block range and roll back on a reorg by dropping the
 * newer ones.
 */
record RegistryState(Map<Long, Node> nodes, Map<OriginKey, Long> idsByKey, long activeEpoch,
    List<ActiveNode> active, BigInteger activeStake) {

  /** One registered node. */
  record Node(long id, String operator, OriginKey key, String endpoint, boolean registered) {}

  static final RegistryState EMPTY = new RegistryState(Map.of(), Map.of(), -1, List.of(), BigInteger.ZERO);

  RegistryState {
    nodes = Collections.unmodifiableMap(new TreeMap<>(nodes));
    idsByKey = Map.copyOf(idsByKey);
    active = List.copyOf(active);
  }

  /** The state after {@code event}; events that do not concern membership return this state. */
  RegistryState apply(ChainEvent event) {
    return switch (event) {
      case ChainEvent.NodeRegistered r -> withNode(new Node(r.nodeId(), r.operator(), new OriginKey(r.nodeKey()),
          r.endpoint(), true));
      case ChainEvent.NodeUpdated u -> nodes.containsKey(u.nodeId())
          ? withNode(withEndpoint(nodes.get(u.nodeId()), u.endpoint())) : this;
      case ChainEvent.NodeDeregistered d -> nodes.containsKey(d.nodeId())
          ? withNode(deregistered(nodes.get(d.nodeId()))) : this;
      case ChainEvent.EpochSnapshotted s -> new RegistryState(nodes, idsByKey, s.epoch(), s.nodes(), s.totalStake());
      default -> this;
    };
  }

  RegistryState applyAll(List<ChainEvent> events) {
    RegistryState s = this;
    for (ChainEvent e : events) {
      s = s.apply(e);
    }
    return s;
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

  private RegistryState withNode(Node node) {
    Map<Long, Node> n = new HashMap<>(nodes);
    n.put(node.id(), node);
    Map<OriginKey, Long> k = new HashMap<>(idsByKey);
    k.put(node.key(), node.id());
    return new RegistryState(n, k, activeEpoch, active, activeStake);
  }

  private static Node withEndpoint(Node n, String endpoint) {
    return new Node(n.id(), n.operator(), n.key(), endpoint, n.registered());
  }

  private static Node deregistered(Node n) {
    return new Node(n.id(), n.operator(), n.key(), n.endpoint(), false);
  }
}
