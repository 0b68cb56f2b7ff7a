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
}
