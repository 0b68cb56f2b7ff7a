package org.xmtpj.node.replication;

import java.util.List;
import org.xmtpj.dag.OriginKey;

/**
 * Gossip out: every stored event goes to every usable peer except the one it came from, batched per peer (up to
 * the push limit, after the push linger), one push in flight per peer. A lost batch marks the peer for a sync.
 * Owned by the replication thread.
 */
final class Pusher {
  private final Replicator r;

  Pusher(Replicator r) {
    this.r = r;
  }

  /** Pushes validated, stored events to every usable peer except the one they came from. */
  void relay(List<byte[]> events, OriginKey except) {
    if (events.isEmpty()) {
      return;
    }
    for (PeerState p : r.peers.values()) {
      if (except != null && except.equals(p.info.key() != null ? p.info.key() : Replicator.safeKey(p))) {
        continue;
      }
      if (p.banned(r.clock.millis())) {
        continue;
      }
      p.enqueue(events);
      scheduleFlush(p);
    }
  }

  private void scheduleFlush(PeerState p) {
    if (p.flushScheduled || p.pushing) {
      return;
    }
    p.flushScheduled = true;
    r.scheduler.schedule(r.config.pushLinger(), () -> {
      p.flushScheduled = false;
      flush(p);
    });
  }

  private void flush(PeerState p) {
    if (p.pushing || p.outbox.isEmpty() || !p.usable(r.clock.millis())) {
      if (!p.outbox.isEmpty() && !p.usable(r.clock.millis())) {
        p.outbox.clear();
        p.needsSync = true;
      }
      return;
    }
    List<byte[]> batch = p.takeBatch(r.config.limits().maxPushEvents(), r.config.limits().maxReplyBytes());
    p.pushing = true;
    r.call(p, p.client.push(batch), ok -> {
      p.pushing = false;
      if (!p.outbox.isEmpty()) {
        flush(p);
      }
    }, failure -> {
      p.pushing = false;
      p.needsSync = true; // the batch in flight is lost: the next successful call syncs this peer
    });
  }
}
