package org.xmtpj.node.replication;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.xmtpj.dag.OriginKey;

/**
 * What this node knows about one connected peer: its client, outbound push queue, score and ban. Owned by the
 * replication thread.
 *
 * <p>Scoring: every rejected event, protocol violation or expired orphan costs points; useful answers earn a
 * little back. At {@link #BAN_SCORE} the peer is banned for {@code baseBan × 2^(bans so far)}: repeat offenders
 * stay out longer each time. Three timeouts in a row, or three empty answers to ranges it advertised
 * (withholding), mark a peer slow: it is asked last. Withholding is counted apart from timeouts because the
 * empty answer itself is a successful call, and every successful call resets the timeout count.
 */
final class PeerState {
  static final int BAN_SCORE = -100;
  static final int MAX_SCORE = 50;
  static final int OUTBOX_LIMIT = 20_000;
  static final long MAX_BACKOFF_MS = 4_000;

  final PeerInfo info;
  final PeerClient client;
  final ArrayDeque<byte[]> outbox = new ArrayDeque<>();
  boolean pushing;
  boolean flushScheduled;
  /** Our pushes were lost (queue overflow or failures): sync with it as soon as it answers again. */
  boolean needsSync;
  boolean syncing;
  int score;
  int bans;
  long bannedUntilMs;
  int consecutiveTimeouts;
  /** Empty answers in a row to ranges the peer's own vector advertised; a useful answer clears it. */
  int withheld;
  long backoffUntilMs;
  int failures;

  PeerState(PeerInfo info, PeerClient client) {
    this.info = info;
    this.client = client;
  }

  OriginKey key() {
    return client.peerKey();
  }

  boolean banned(long nowMs) {
    return nowMs < bannedUntilMs;
  }

  boolean slow() {
    return consecutiveTimeouts >= 3 || withheld >= 3;
  }

  boolean usable(long nowMs) {
    return !banned(nowMs) && nowMs >= backoffUntilMs;
  }

  /** Returns true if this penalty got the peer banned. */
  boolean penalize(int points, long nowMs, long baseBanMs) {
    score -= points;
    if (score > BAN_SCORE) {
      return false;
    }
    bannedUntilMs = nowMs + baseBanMs * (1L << Math.min(bans, 20));
    bans++;
    score = 0;
    outbox.clear();
    return true;
  }

  void reward() {
    score = Math.min(MAX_SCORE, score + 1);
    consecutiveTimeouts = 0;
    failures = 0;
    backoffUntilMs = 0;
  }

  void unavailable(long nowMs, boolean timeout) {
    if (timeout) {
      consecutiveTimeouts++;
    }
    failures++;
    // capped low: a peer that is back is found again within seconds even if it never calls us first
    backoffUntilMs = nowMs + Math.min(MAX_BACKOFF_MS, 250L << Math.min(failures, 7));
    if (!outbox.isEmpty()) {
      outbox.clear();
      needsSync = true;
    }
  }

  /** Queues events to push; on overflow the queue is dropped and the peer will be synced instead. */
  void enqueue(List<byte[]> events) {
    if (outbox.size() + events.size() > OUTBOX_LIMIT) {
      outbox.clear();
      needsSync = true;
      return;
    }
    outbox.addAll(events);
  }

  List<byte[]> takeBatch(int maxEvents, long maxBytes) {
    List<byte[]> out = new ArrayList<>();
    long bytes = 0;
    while (!outbox.isEmpty() && out.size() < maxEvents
        && (out.isEmpty() || bytes + outbox.peek().length <= maxBytes)) {
      byte[] e = outbox.poll();
      bytes += e.length;
      out.add(e);
    }
    return out;
  }
}
