package org.xmtpj.testing.sim;

import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.node.replication.Membership;
import org.xmtpj.node.replication.PeerInfo;

/** Every member of the simulation is a peer (pinned key) and an authorized origin; the list never changes. */
final class SimMembership implements Membership {
  private final OriginKey self;
  private final List<PeerInfo> peers;
  private final Set<OriginKey> members;

  SimMembership(OriginKey self, List<PeerInfo> all) {
    this.self = self;
    this.peers = all.stream().filter(p -> !p.key().equals(self)).toList();
    this.members = Set.copyOf(all.stream().map(PeerInfo::key).toList());
  }

  @Override
  public List<PeerInfo> peers() {
    return peers;
  }

  @Override
  public boolean isAllowedPeer(OriginKey key) {
    return key != null && !key.equals(self) && members.contains(key);
  }

  @Override
  public boolean isAuthorizedOrigin(OriginKey origin) {
    return origin != null && members.contains(origin);
  }

  @Override
  public void onChange(Consumer<List<PeerInfo>> listener) {}

  @Override
  public boolean learned(PeerInfo peer, OriginKey key) {
    return false;
  }
}
