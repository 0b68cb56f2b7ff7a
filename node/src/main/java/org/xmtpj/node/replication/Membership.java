package org.xmtpj.node.replication;

import java.util.List;
import java.util.function.Consumer;
import org.xmtpj.dag.OriginKey;

/**
 * Who is in the network. Static (configured peers) for now; the on-chain node registry implements the same
 * contract later, so the replicator never knows where membership comes from.
 */
public interface Membership {

  /** The peers this node should connect to (itself excluded). */
  List<PeerInfo> peers();

  /** Whether a node with this key may connect to us (inbound handshake). */
  boolean isAllowedPeer(OriginKey key);

  /** Whether events signed by this origin are accepted (validity: unknown origins are rejected). */
  boolean isAuthorizedOrigin(OriginKey origin);

  /** Called with the new peer list whenever it changes. */
  void onChange(Consumer<List<PeerInfo>> listener);

  /**
   * Records a key learned from a handshake with a configured, unpinned peer.
   *
   * @return whether the key is taken; false refuses the handshake (not such a peer, or too many keys from it)
   */
  boolean learned(PeerInfo peer, OriginKey key);
}
