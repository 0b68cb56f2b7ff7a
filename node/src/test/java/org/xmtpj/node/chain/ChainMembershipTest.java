package org.xmtpj.node.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.xmtpj.node.chain.FakeChain.deregistered;
import static org.xmtpj.node.chain.FakeChain.endpointChanged;
import static org.xmtpj.node.chain.FakeChain.registered;
import static org.xmtpj.node.chain.FakeChain.snapshot;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.node.replication.PeerInfo;

class ChainMembershipTest {
  private final FakeChain chain = new FakeChain();
  private final ChainIndexer indexer = new ChainIndexer(chain, 1, 0, 1_000);
  private final ChainMembership membership = new ChainMembership(key(1));
  private final List<List<PeerInfo>> changes = new ArrayList<>();

  ChainMembershipTest() {
    membership.onChange(changes::add);
  }

  private static OriginKey key(int b) {
    byte[] k = new byte[32];
    k[0] = (byte) b;
    return new OriginKey(k);
  }

  private void sync() {
    indexer.poll();
    membership.update(indexer.state());
  }

  @Test
  void shouldPeerWithTheActiveSetAtRegisteredEndpointsWithPinnedKeysExcludingItself() {
    chain.mine(registered(1, 1, "10.0.0.1:5557"), registered(2, 2, "10.0.0.2:5557"),
        registered(3, 3, "10.0.0.3:5557"), registered(4, 4, "10.0.0.4:5557"));
    chain.mine(snapshot(0, 1, 2, 3));

    sync();

    assertThat(membership.peers()).containsExactly(new PeerInfo(key(2), "10.0.0.2", 5557),
        new PeerInfo(key(3), "10.0.0.3", 5557));
    assertThat(membership.selfActive()).isTrue();
    assertThat(membership.isAllowedPeer(key(2))).isTrue();
    assertThat(membership.isAllowedPeer(key(4))).as("registered, not active").isFalse();
    assertThat(membership.isAllowedPeer(key(1))).as("itself").isFalse();
    assertThat(membership.isAuthorizedOrigin(key(4))).as("registered, never active: no origin").isFalse();
    assertThat(membership.isAuthorizedOrigin(key(3))).as("active").isTrue();
    assertThat(membership.isAuthorizedOrigin(key(9))).isFalse();
    assertThat(changes).hasSize(1);
  }

  @Test
  void shouldAddAJoiningNodeAndDropALeavingOneWhenANewEpochIsSnapshotted() {
    chain.mine(registered(1, 1, "h:1"), registered(2, 2, "h:2"), registered(3, 3, "h:3"), snapshot(0, 1, 2));
    sync();
    assertThat(membership.peers()).extracting(PeerInfo::address).containsExactly("h:2");

    chain.mine(snapshot(1, 1, 3));
    sync();

    assertThat(membership.peers()).extracting(PeerInfo::address).containsExactly("h:3");
    assertThat(membership.isAllowedPeer(key(2))).isFalse();
    assertThat(membership.isAuthorizedOrigin(key(2))).as("its old events stay valid").isTrue();
    assertThat(changes).hasSize(2);
  }

  @Test
  void shouldDropADeregisteredMemberAndFollowAnEndpointChangeBeforeTheNextEpoch() {
    chain.mine(registered(1, 1, "h:1"), registered(2, 2, "h:2"), registered(3, 3, "h:3"), snapshot(0, 1, 2, 3));
    sync();

    chain.mine(deregistered(3), endpointChanged(2, "moved:22"));
    sync();

    assertThat(membership.peers()).containsExactly(new PeerInfo(key(2), "moved", 22));
    assertThat(membership.isAllowedPeer(key(3))).isFalse();
  }

  @Test
  void shouldSkipAMemberWhoseEndpointIsNotHostAndPortButStillAcceptItsConnections() {
    chain.mine(registered(1, 1, "h:1"), registered(2, 2, "not an endpoint"), snapshot(0, 1, 2));

    sync();

    assertThat(membership.peers()).isEmpty();
    assertThat(membership.isAllowedPeer(key(2))).isTrue();
  }

  @Test
  void shouldNotNotifyWhenThePeerListIsUnchanged() {
    chain.mine(registered(1, 1, "h:1"), registered(2, 2, "h:2"), snapshot(0, 1, 2));
    sync();
    chain.mine(snapshot(1, 1, 2));
    sync();

    assertThat(changes).hasSize(1);
  }

  /** Issue 13, finding 7: every key ever registered was an origin, and registration is free. */
  @Test
  void shouldAuthorizeOnlyKeysThatWereInAnActiveSetNotTenThousandRegisteredOnes() {
    List<java.util.function.Function<org.xmtpj.chain.events.EventSource, org.xmtpj.chain.events.ChainEvent>> sybils =
        new ArrayList<>();
    for (int i = 10; i < 10_011; i++) {
      byte[] k = sybilKey(i).bytes();
      long id = i;
      sybils.add(src -> new org.xmtpj.chain.events.ChainEvent.NodeRegistered(src, id, "0xOp" + id, k,
          "10.1.0.1:5557", 500));
    }
    chain.mine(registered(1, 1, "h:1"), registered(2, 2, "h:2"));
    chain.mine(sybils.toArray(java.util.function.Function[]::new));
    chain.mine(snapshot(0, 1, 2));
    sync();
    long origins = 0;
    for (int i = 1; i < 10_011; i++) {
      origins += membership.isAuthorizedOrigin(sybilKey(i)) ? 1 : 0;
    }
    assertThat(origins).as("authorized origins among 10,010 registered keys").isEqualTo(2);

    chain.mine(snapshot(1, 1, 10));
    sync();
    assertThat(membership.isAuthorizedOrigin(sybilKey(10))).as("once in an active set").isTrue();
    assertThat(membership.isAuthorizedOrigin(key(2))).as("its history stays valid after it left").isTrue();
    assertThat(membership.isAuthorizedOrigin(sybilKey(11))).isFalse();
  }

  private static OriginKey sybilKey(int i) {
    byte[] k = new byte[32];
    k[0] = (byte) i;
    k[1] = (byte) (i >> 8);
    return new OriginKey(k);
  }
}
