package org.xmtpj.testing.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.xmtpj.node.replication.ReplicationMetrics;

/** What one replica's replication engine reported, across its incarnations (tests assert on it). */
public final class ReplicaMetrics implements ReplicationMetrics {
  private final Map<String, Long> rejected = new TreeMap<>();
  private final List<String> banned = new ArrayList<>();
  private long received;
  private long inserted;
  private long syncRounds;
  private long inSyncRounds;
  private int maxPending;
  private long maxPropagationMs;

  @Override
  public void received(int events) {
    received += events;
  }

  @Override
  public void inserted(int events) {
    inserted += events;
  }

  @Override
  public void rejected(String reason, int events) {
    rejected.merge(reason, (long) events, Long::sum);
  }

  @Override
  public void pending(int events) {
    maxPending = Math.max(maxPending, events);
  }

  @Override
  public void banned(String peer) {
    banned.add(peer);
  }

  @Override
  public void syncRound(boolean inSync) {
    syncRounds++;
    if (inSync) {
      inSyncRounds++;
    }
  }

  @Override
  public void propagationDelay(long millis) {
    maxPropagationMs = Math.max(maxPropagationMs, millis);
  }

  /** The longest origin-to-insert delay reported (origin and local clocks). */
  public long maxPropagationMs() {
    return maxPropagationMs;
  }

  public long rejected(String reason) {
    return rejected.getOrDefault(reason, 0L);
  }

  public Map<String, Long> rejections() {
    return Map.copyOf(rejected);
  }

  /** Hex keys of the peers this replica banned, one entry per ban. */
  public List<String> bans() {
    return List.copyOf(banned);
  }

  public long received() {
    return received;
  }

  public long inserted() {
    return inserted;
  }

  public long syncRounds() {
    return syncRounds;
  }

  public long inSyncRounds() {
    return inSyncRounds;
  }

  /** The largest pending (orphan) buffer size reported. */
  public int maxPending() {
    return maxPending;
  }
}
