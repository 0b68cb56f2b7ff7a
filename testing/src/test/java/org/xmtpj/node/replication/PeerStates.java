package org.xmtpj.node.replication;

import org.xmtpj.dag.OriginKey;

/**
 * Test-only view of a replicator's per-peer state, which the engine keeps package-private (it lives in this
 * package on the test classpath only).
 */
public final class PeerStates {
  private PeerStates() {}

  /** Whether {@code r} treats {@code peer} as slow (withholding or timing out): asked last. */
  public static boolean slow(Replicator r, OriginKey peer) {
    PeerState p = r.peer(peer);
    if (p == null) {
      throw new IllegalArgumentException("not a peer: " + peer);
    }
    return p.slow();
  }
}
