package org.xmtpj.node.replication;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmtpj.dag.OriginKey;

/**
 * Membership from configuration: the peers given with {@code --peer}, plus those of a peers file that can change
 * while the node runs ({@link #replaceFilePeers}). Allowed peers are the pinned keys plus the
 * keys learned from handshakes with unpinned peers; authorized origins are this node plus every key that ever was
 * an allowed peer. A peer that comes back with a new key (a wiped node) stops being allowed under its old key, but
 * the events its old key signed stay valid, so history keeps replicating. Thread-safe.
 *
 * <p>{@link #onChange} listeners hear of changes to the peers file only: learning a key does not change the list
 * (the replicator keeps its client for the same {@link PeerInfo}).
 */
public final class StaticMembership implements Membership {
  private static final Logger LOG = LoggerFactory.getLogger(StaticMembership.class);
  /**
   * Keys one unpinned peer may introduce over the node's life. Each stays an authorized origin (its events stay
   * valid), so without a bound whoever answers at the address could mint origins at every handshake. A wiped or
   * replaced node needs one new key; beyond this the key is refused and the operator told to pin it.
   */
  public static final int MAX_KEYS_PER_UNPINNED_PEER = 8;

  private final OriginKey self;
  private final List<PeerInfo> configured;
  private volatile List<PeerInfo> peers;
  private volatile Set<OriginKey> pinned;
  private final Map<PeerInfo, OriginKey> learned = new ConcurrentHashMap<>();
  private final Map<PeerInfo, Set<OriginKey>> introduced = new ConcurrentHashMap<>();
  private final Set<OriginKey> everAllowed = ConcurrentHashMap.newKeySet();
  private final List<Consumer<List<PeerInfo>>> listeners = new CopyOnWriteArrayList<>();

  public StaticMembership(OriginKey self, List<PeerInfo> configured) {
    this.self = Objects.requireNonNull(self, "self");
    this.configured = withoutSelf(configured);
    this.peers = this.configured;
    this.pinned = pinnedKeys(peers);
    everAllowed.addAll(pinned);
  }

  /**
   * Sets the peers that come from the peers file (the configured ones stay) and tells the listeners if the list
   * changed. Keys learned from peers that are gone are forgotten as allowed peers; their events stay authorized.
   */
  public synchronized void replaceFilePeers(List<PeerInfo> fromFile) {
    List<PeerInfo> next = withoutSelf(java.util.stream.Stream.concat(configured.stream(), fromFile.stream())
        .toList());
    if (next.equals(peers)) {
      return;
    }
    Set<OriginKey> nextPinned = pinnedKeys(next);
    everAllowed.addAll(nextPinned);
    learned.keySet().retainAll(Set.copyOf(next));
    pinned = nextPinned;
    peers = next;
    LOG.info("peers are now {}", next.stream().map(PeerInfo::address).toList());
    listeners.forEach(l -> l.accept(next));
  }

  private List<PeerInfo> withoutSelf(List<PeerInfo> list) {
    // a node listed among its own peers (a shared peer list in a devnet) would dial itself: drop it
    return list.stream().filter(p -> !self.equals(p.key())).distinct().toList();
  }

  private static Set<OriginKey> pinnedKeys(List<PeerInfo> list) {
    return Set.copyOf(list.stream().map(PeerInfo::key).filter(Objects::nonNull).toList());
  }

  @Override
  public List<PeerInfo> peers() {
    return peers;
  }

  @Override
  public boolean isAllowedPeer(OriginKey key) {
    return key != null && !key.equals(self) && (pinned.contains(key) || learned.containsValue(key));
  }

  @Override
  public boolean isAuthorizedOrigin(OriginKey origin) {
    return origin != null && (origin.equals(self) || everAllowed.contains(origin));
  }

  @Override
  public void onChange(Consumer<List<PeerInfo>> listener) {
    listeners.add(Objects.requireNonNull(listener));
  }

  /**
   * Only an unpinned, configured peer can introduce a key, and at most {@link #MAX_KEYS_PER_UNPINNED_PEER} of them;
   * anything else is refused (and logged).
   */
  @Override
  public synchronized boolean learned(PeerInfo peer, OriginKey key) {
    if (peer.key() != null || !peers.contains(peer) || key.equals(self)) {
      LOG.warn("ignoring key {} learned from {}: not a configured unpinned peer", key.hex(), peer.address());
      return false;
    }
    Set<OriginKey> keys = introduced.computeIfAbsent(peer, p -> new java.util.LinkedHashSet<>());
    if (!keys.contains(key) && keys.size() >= MAX_KEYS_PER_UNPINNED_PEER) {
      LOG.warn("refusing key {} from peer {}: it has presented {} different keys since this node started (a peer"
          + " that keeps changing its key, or something else answering at that address); pin the right one with"
          + " --peer KEY@{}", key.hex(), peer.address(), keys.size(), peer.address());
      return false;
    }
    keys.add(key);
    everAllowed.add(key);
    OriginKey previous = learned.put(peer, key);
    if (previous == null) {
      LOG.info("peer {} has node key {}", peer.address(), key.hex());
    } else if (!key.equals(previous)) {
      LOG.warn("peer {} changed its node key from {} to {} (a wiped or replaced node, or someone else now answers"
          + " at that address; pin the key with --peer KEY@HOST:PORT to refuse this)", peer.address(), previous.hex(),
          key.hex());
    }
    return true;
  }

  /** Different keys {@code peer} has introduced since start (for tests and the status page). */
  public int learnedKeys(PeerInfo peer) {
    Set<OriginKey> keys = introduced.get(peer);
    return keys == null ? 0 : keys.size();
  }
}
