package org.xmtpj.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xmtpj.dag.OriginKey;

class StaticMembershipTest {
  private final OriginKey self = key(1);
  private final OriginKey pinnedKey = key(2);
  private final PeerInfo pinned = new PeerInfo(pinnedKey, "a", 1);
  private final PeerInfo unpinned = new PeerInfo(null, "b", 2);

  private static OriginKey key(int b) {
    byte[] k = new byte[32];
    Arrays.fill(k, (byte) b);
    return new OriginKey(k);
  }

  @Test
  void shouldAllowPinnedPeersAndNeitherSelfNorStrangers() {
    StaticMembership m = new StaticMembership(self, List.of(pinned, unpinned, new PeerInfo(self, "me", 3)));
    assertThat(m.peers()).as("self is dropped from the peer list").containsExactly(pinned, unpinned);
    assertThat(m.isAllowedPeer(pinnedKey)).isTrue();
    assertThat(m.isAllowedPeer(self)).isFalse();
    assertThat(m.isAllowedPeer(key(9))).isFalse();
    assertThat(m.isAuthorizedOrigin(self)).isTrue();
    assertThat(m.isAuthorizedOrigin(pinnedKey)).isTrue();
    assertThat(m.isAuthorizedOrigin(key(9))).isFalse();
  }

  @Test
  void shouldAllowKeysLearnedFromUnpinnedPeersOnly() {
    StaticMembership m = new StaticMembership(self, List.of(pinned, unpinned));
    m.learned(unpinned, key(3));
    m.learned(pinned, key(4));                          // a pinned peer cannot change its key
    m.learned(new PeerInfo(null, "elsewhere", 9), key(5)); // nor can an unconfigured address introduce one
    assertThat(m.isAllowedPeer(key(3))).isTrue();
    assertThat(m.isAllowedPeer(key(4))).isFalse();
    assertThat(m.isAllowedPeer(key(5))).isFalse();
  }

  @Test
  void shouldKeepTheOldKeyAuthorizedAsAnOriginWhenAPeerComesBackWithANewKey() {
    StaticMembership m = new StaticMembership(self, List.of(unpinned));
    m.learned(unpinned, key(3));
    m.learned(unpinned, key(6));
    assertThat(m.isAllowedPeer(key(3))).isFalse();
    assertThat(m.isAllowedPeer(key(6))).isTrue();
    assertThat(m.isAuthorizedOrigin(key(3))).as("its events stay valid").isTrue();
  }

  /**
   * Whoever answers at an unpinned peer's address can present a fresh key at every handshake (issue 13, finding
   * 11: unpinned peers re-learned keys on every handshake), and each key became an authorized origin for good: one
   * address could mint origins without end and grow every vector past its bound, as the Sybil keys of finding 7.
   */
  @Test
  void shouldStopLearningKeysFromAnUnpinnedPeerThatKeepsChangingIt() {
    StaticMembership m = new StaticMembership(self, List.of(pinned, unpinned));
    int max = StaticMembership.MAX_KEYS_PER_UNPINNED_PEER;
    for (int i = 0; i < max + 20; i++) {
      m.learned(unpinned, key(100 + i));
    }
    for (int i = 0; i < max; i++) {
      assertThat(m.isAuthorizedOrigin(key(100 + i))).as("key %d of %d: its events stay valid", i + 1, max).isTrue();
    }
    assertThat(m.isAuthorizedOrigin(key(100 + max))).as("a key beyond the first %d", max).isFalse();
    assertThat(m.isAllowedPeer(key(100 + max - 1))).as("the last key it was allowed to take").isTrue();
    assertThat(m.isAllowedPeer(key(100 + max + 19))).isFalse();
    assertThat(m.learnedKeys(unpinned)).isEqualTo(max);
  }
}
