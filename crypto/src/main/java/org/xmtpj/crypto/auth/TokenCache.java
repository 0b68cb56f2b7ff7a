package org.xmtpj.crypto.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.xmtpj.crypto.Sha256;

/**
 * Remembers tokens that passed the signature checks, so a client that reuses its token (xmtp-js does for up to an
 * hour) costs one hash and a map lookup per publish instead of an ECDSA recovery and a verification.
 *
 * <p>Bounded with two generations: entries go into the current map; when it is full it becomes the previous map and
 * the old previous map is dropped. A hit in the previous map is copied forward, so tokens in active use survive
 * rotations while abandoned ones fall out. This needs no LRU bookkeeping on the read path and holds at most about
 * {@code capacity} entries. Keys are SHA-256 digests of the token text rather than the text itself, which keeps an
 * entry near 150 bytes instead of several hundred.
 */
final class TokenCache {
  private final int generationCapacity;
  private volatile Map<Key, AuthenticatedWallet> current = new ConcurrentHashMap<>();
  private volatile Map<Key, AuthenticatedWallet> previous = new ConcurrentHashMap<>();

  /** A capacity of 0 disables caching. */
  TokenCache(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("cache capacity must be >= 0, got " + capacity);
    }
    this.generationCapacity = capacity == 0 ? 0 : Math.max(1, capacity / 2);
  }

  static Key keyOf(String token) {
    ByteBuffer digest = ByteBuffer.wrap(Sha256.hash(token.getBytes(StandardCharsets.UTF_8)));
    return new Key(digest.getLong(), digest.getLong(), digest.getLong(), digest.getLong());
  }

  AuthenticatedWallet get(Key key) {
    if (generationCapacity == 0) {
      return null;
    }
    AuthenticatedWallet hit = current.get(key);
    if (hit == null) {
      hit = previous.get(key);
      if (hit != null) {
        put(key, hit);
      }
    }
    return hit;
  }

  void put(Key key, AuthenticatedWallet wallet) {
    if (generationCapacity == 0) {
      return;
    }
    Map<Key, AuthenticatedWallet> map = current;
    map.put(key, wallet);
    if (map.size() >= generationCapacity) {
      rotate(map);
    }
  }

  void remove(Key key) {
    current.remove(key);
    previous.remove(key);
  }

  int size() {
    return current.size() + previous.size();
  }

  private synchronized void rotate(Map<Key, AuthenticatedWallet> full) {
    // Several threads can see the same full map; only the first one rotates.
    if (current == full) {
      previous = full;
      current = new ConcurrentHashMap<>();
    }
  }

  record Key(long a, long b, long c, long d) {}
}
