package org.xmtpj.node.replication;

import java.util.List;
import org.xmtpj.dag.EventId;

/**
 * Fetches again, by id, the events the store quarantined because their stored bytes were damaged
 * ({@link org.xmtpj.store.EventStore#quarantined}): one GetEvents to one usable peer per round, the next peer
 * the round after, until they are stored again. What comes back goes through the receive pipeline like any fetch
 * (verified, then stored), which ends the quarantine. The quarantine also lowered the origins' contiguous prefix,
 * so anti-entropy's range pulls (and the peers' pushes of what we lack) bring the events as well; asking by id is
 * the quick path. Owned by the replication thread.
 */
final class Refetcher {
  /** Between two asks: a peer's answer (or timeout) comes well within it, so each round asks afresh. */
  static final long ROUND_MS = 1_000;

  private final Replicator r;
  private long lastAskMs = Long.MIN_VALUE / 2;
  private int next;

  Refetcher(Replicator r) {
    this.r = r;
  }

  /** Called from housekeeping: asks one peer for the quarantined events, if there are any. */
  void tick() {
    if (!r.bootstrap.done()) {
      return; // bootstrap copies whole topics; the quarantined events come with them or right after
    }
    long now = r.clock.millis();
    if (now - lastAskMs < ROUND_MS) {
      return;
    }
    List<EventId> ids = r.store.quarantined(r.config.limits().maxIds());
    List<PeerState> usable = r.usablePeers();
    if (ids.isEmpty() || usable.isEmpty()) {
      return;
    }
    lastAskMs = now;
    PeerState p = usable.get(Math.floorMod(next++, usable.size()));
    r.call(p, p.client.events(ids), reply -> r.receive(p.key(), reply.events()), failure -> { });
  }
}
