package org.xmtpj.node.replication.grpc;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.xmtpj.dag.OriginKey;

/**
 * The handshake nonces each peer used recently, so that a captured handshake cannot be replayed while its time is
 * still acceptable. A handshake is signed by its client key over the nonce, so a replay is always of one peer's own
 * handshake: each peer gets its own table and its own quota, and one peer's handshakes can never crowd out
 * another's (one table for all let a single pinned peer lock every other out with 65,535 handshakes in 16 s).
 *
 * <p>The total is bounded too. When it is full, the peer holding the most nonces loses its oldest: that weakens
 * replay protection only for the handshakes of the peer that flooded, which it signed itself.
 */
final class HandshakeNonces {
  enum Use { FRESH, REPLAYED, PEER_LIMIT }

  private record Nonce(long a, long b, long c, long d) {
    static Nonce of(byte[] bytes) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      return new Nonce(buf.getLong(), buf.getLong(), buf.getLong(), buf.getLong());
    }
  }

  private record Seen(Nonce nonce, Instant forgetAt) {}

  private static final class Table {
    final ArrayDeque<Seen> order = new ArrayDeque<>(); // oldest first
    final Set<Nonce> nonces = new HashSet<>();
  }

  private final Clock clock;
  private final java.time.Duration memory;
  private final int maxPerPeer;
  private final int maxTotal;
  private final Map<OriginKey, Table> peers = new HashMap<>(); // guarded by this
  private int total; // guarded by this

  HandshakeNonces(Clock clock, java.time.Duration memory, int maxPerPeer, int maxTotal) {
    if (maxPerPeer < 1 || maxTotal < maxPerPeer) {
      throw new IllegalArgumentException("need 1 <= maxPerPeer <= maxTotal");
    }
    this.clock = clock;
    this.memory = memory;
    this.maxPerPeer = maxPerPeer;
    this.maxTotal = maxTotal;
  }

  /**
   * Records a 32-byte nonce of {@code peer}'s verified handshake. PEER_LIMIT: this peer made {@code maxPerPeer}
   * handshakes within the memory window; it may retry once they age out (no other peer is affected).
   */
  synchronized Use use(OriginKey peer, byte[] nonce) {
    Instant now = clock.instant();
    Table t = peers.get(peer);
    if (t != null) {
      expire(peer, t, now);
    }
    Nonce n = Nonce.of(nonce);
    if (t != null && t.nonces.contains(n)) {
      return Use.REPLAYED;
    }
    if (t != null && t.nonces.size() >= maxPerPeer) {
      return Use.PEER_LIMIT;
    }
    if (total >= maxTotal) {
      evictFromLargest(now);
    }
    Table table = t != null ? t : peers.computeIfAbsent(peer, k -> new Table());
    table.order.addLast(new Seen(n, now.plus(memory)));
    table.nonces.add(n);
    total++;
    return Use.FRESH;
  }

  private void expire(OriginKey peer, Table t, Instant now) {
    while (!t.order.isEmpty() && !t.order.peekFirst().forgetAt().isAfter(now)) {
      t.nonces.remove(t.order.removeFirst().nonce());
      total--;
    }
    if (t.order.isEmpty()) {
      peers.remove(peer);
    }
  }

  /** Expired entries of every peer first; if none, the oldest nonce of the peer that holds the most. */
  private void evictFromLargest(Instant now) {
    for (Map.Entry<OriginKey, Table> e : Map.copyOf(peers).entrySet()) {
      expire(e.getKey(), e.getValue(), now);
    }
    if (total < maxTotal) {
      return;
    }
    Map.Entry<OriginKey, Table> largest = null;
    for (Map.Entry<OriginKey, Table> e : peers.entrySet()) {
      if (largest == null || e.getValue().order.size() > largest.getValue().order.size()) {
        largest = e;
      }
    }
    Table t = largest.getValue();
    t.nonces.remove(t.order.removeFirst().nonce());
    total--;
    if (t.order.isEmpty()) {
      peers.remove(largest.getKey());
    }
  }

  synchronized int size() {
    return total;
  }

  synchronized int size(OriginKey peer) {
    Table t = peers.get(peer);
    return t == null ? 0 : t.order.size();
  }
}
