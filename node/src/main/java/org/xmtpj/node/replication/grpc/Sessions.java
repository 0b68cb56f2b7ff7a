package org.xmtpj.node.replication.grpc;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.xmtpj.dag.OriginKey;

/**
 * Server-side authentication state: sessions opened by handshakes, and the handshake nonces seen recently (so a
 * captured handshake cannot be replayed to this node while its timestamp is still acceptable, per peer: {@link
 * HandshakeNonces}). Both are bounded:
 * only allowed peers get this far, and each peer holds at most {@code maxPerPeer} sessions (its oldest is evicted),
 * so a misbehaving peer cannot push the others' sessions out.
 */
final class Sessions {
  static final Duration DEFAULT_TTL = Duration.ofHours(1);
  static final int DEFAULT_MAX_SESSIONS = 4096;
  static final int DEFAULT_MAX_PER_PEER = 4;
  /**
   * Handshakes one peer may make within the nonce memory (twice the clock skew, 10 min): an honest peer makes one
   * an hour per session, or a few after restarts.
   */
  static final int MAX_NONCES_PER_PEER = 1024;
  /** About 20 MB at most: 64 peers at their quota, or many more honest ones. */
  static final int MAX_NONCES = 131_072;

  private record Session(OriginKey peer, Instant created) {}

  private final Clock clock;
  private final Duration ttl;
  private final int maxSessions;
  private final int maxPerPeer;
  private final SecureRandom random;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private long opened; // guarded by this
  private final HandshakeNonces nonces;

  Sessions(Clock clock, Duration ttl, Duration nonceMemory, int maxSessions, int maxPerPeer, SecureRandom random) {
    this.clock = clock;
    this.ttl = ttl;
    this.nonces = new HandshakeNonces(clock, nonceMemory, MAX_NONCES_PER_PEER, MAX_NONCES);
    this.maxSessions = maxSessions;
    this.maxPerPeer = maxPerPeer;
    this.random = random;
  }

  /** Opens a session for an authenticated peer and returns its 32-byte id. */
  synchronized byte[] open(OriginKey peer) {
    Instant now = clock.instant();
    sessions.values().removeIf(s -> expired(s, now));
    evictOldest(s -> s.peer.equals(peer), maxPerPeer - 1);
    evictOldest(s -> true, maxSessions - 1);
    byte[] id = new byte[32];
    random.nextBytes(id);
    sessions.put(HexFormat.of().formatHex(id), new Session(peer, now));
    opened++;
    return id;
  }

  private void evictOldest(java.util.function.Predicate<Session> which, int keep) {
    long count = sessions.values().stream().filter(which).count();
    while (count-- > keep) {
      sessions.entrySet().stream().filter(e -> which.test(e.getValue()))
          .min(Comparator.comparing(e -> e.getValue().created()))
          .ifPresent(e -> sessions.remove(e.getKey()));
    }
  }

  /** The peer of a live session, or null for an unknown, malformed or expired id (which is then forgotten). */
  OriginKey lookup(String idHex) {
    if (idHex == null) {
      return null;
    }
    Session s = sessions.get(idHex);
    if (s == null) {
      return null;
    }
    if (expired(s, clock.instant())) {
      sessions.remove(idHex, s);
      return null;
    }
    return s.peer;
  }

  private boolean expired(Session s, Instant now) {
    return !now.isBefore(s.created.plus(ttl));
  }

  /** Records the nonce of a verified handshake of {@code peer} (see {@link HandshakeNonces}). */
  HandshakeNonces.Use use(OriginKey peer, byte[] nonce) {
    return nonces.use(peer, nonce);
  }

  HandshakeNonces nonces() {
    return nonces;
  }

  int size() {
    return sessions.size();
  }

  /** Sessions opened since start: one per successful handshake. */
  synchronized long opened() {
    return opened;
  }
}
