package org.xmtpj.node.chain;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.node.replication.Membership;
import org.xmtpj.node.replication.PeerInfo;

/**
 * Membership from the registry contracts. Peers are the members of the current active set (still registered,
 * this node excluded), dialled at their registered endpoint with their registered node key pinned; only those
 * keys may connect to us. Authorized origins are the keys of every node that was ever in a snapshotted active
 * set: an event signed while its node was a member stays valid history after the node leaves, and every replica
 * decides it alike from the chain. Not every key ever registered: registration is free, so 10,001 registered keys
 * would have pushed every vector past {@code maxVectorOrigins}; a place in an active set costs stake, and each
 * snapshot adds at most the active-set size. Thread-safe; {@link #update} is called by the follower's thread only.
 */
final class ChainMembership implements Membership {
  private static final Logger LOG = LoggerFactory.getLogger(ChainMembership.class);

  private final OriginKey self;
  private final List<Consumer<List<PeerInfo>>> listeners = new CopyOnWriteArrayList<>();
  private final Set<String> warnedEndpoints = ConcurrentHashMap.newKeySet();
  private volatile View view = new View(List.of(), Set.of(), Set.of(), false);

  private record View(List<PeerInfo> peers, Set<OriginKey> allowed, Set<OriginKey> origins, boolean selfActive) {}

  ChainMembership(OriginKey self) {
    this.self = Objects.requireNonNull(self, "self");
  }

  /** Adopts a new registry state; tells the listeners when the peer list changed. */
  void update(RegistryState state) {
    List<PeerInfo> peers = new ArrayList<>();
    List<OriginKey> allowed = new ArrayList<>();
    for (RegistryState.Node n : state.activeNodes()) {
      if (n.key().equals(self)) {
        continue;
      }
      allowed.add(n.key());
      PeerInfo p = endpoint(n);
      if (p != null) {
        peers.add(p);
      }
    }
    View before = view;
    View next = new View(List.copyOf(peers), Set.copyOf(allowed), state.everActiveKeys(), state.isActive(self));
    view = next;
    if (next.selfActive() != before.selfActive()) {
      LOG.info(next.selfActive() ? "this node is in the active set of epoch {}"
          : "this node is not in the active set of epoch {}: peers will not accept it until it is",
          state.activeEpoch());
    }
    if (!next.peers().equals(before.peers())) {
      LOG.info("active set of epoch {}: peers {}", state.activeEpoch(),
          next.peers().stream().map(PeerInfo::address).toList());
      listeners.forEach(l -> l.accept(next.peers()));
    }
  }

  private PeerInfo endpoint(RegistryState.Node n) {
    try {
      PeerInfo parsed = PeerInfo.parse(n.endpoint());
      return new PeerInfo(n.key(), parsed.host(), parsed.port());
    } catch (IllegalArgumentException e) {
      if (warnedEndpoints.add(n.id() + "|" + n.endpoint())) {
        LOG.warn("node {} registered an endpoint that is not HOST:PORT ({}): not dialled", n.id(), e.getMessage());
      }
      return null;
    }
  }

  boolean selfActive() {
    return view.selfActive();
  }

  @Override
  public List<PeerInfo> peers() {
    return view.peers();
  }

  @Override
  public boolean isAllowedPeer(OriginKey key) {
    return key != null && view.allowed().contains(key);
  }

  @Override
  public boolean isAuthorizedOrigin(OriginKey origin) {
    return origin != null && (origin.equals(self) || view.origins().contains(origin));
  }

  @Override
  public void onChange(Consumer<List<PeerInfo>> listener) {
    listeners.add(Objects.requireNonNull(listener));
  }

  /** Keys come from the registry and are always pinned, so a handshake never teaches one. */
  @Override
  public boolean learned(PeerInfo peer, OriginKey key) {
    LOG.debug("ignoring key {} learned from {}: chain membership pins every key", key.hex(), peer.address());
    return false;
  }
}
