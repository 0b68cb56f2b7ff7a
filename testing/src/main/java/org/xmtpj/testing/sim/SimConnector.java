package org.xmtpj.testing.sim;

import org.xmtpj.dag.OriginKey;
import org.xmtpj.node.replication.PeerClient;
import org.xmtpj.node.replication.PeerConnector;
import org.xmtpj.node.replication.PeerInfo;

/** Opens {@link SimPeerClient}s for one node; peers are addressed by their pinned keys. */
final class SimConnector implements PeerConnector {
  private final SimNetwork network;
  private final OriginKey self;
  private final java.util.function.BooleanSupplier silent;

  SimConnector(SimNetwork network, OriginKey self, java.util.function.BooleanSupplier silent) {
    this.network = network;
    this.self = self;
    this.silent = silent;
  }

  @Override
  public PeerClient connect(PeerInfo peer) {
    if (peer.key() == null) {
      throw new IllegalArgumentException("simulated peers have pinned keys: " + peer.address());
    }
    return new SimPeerClient(network, self, peer.key(), silent);
  }

  @Override
  public void disconnect(PeerInfo peer) {}

  @Override
  public void close() {}
}
