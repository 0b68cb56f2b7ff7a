package org.xmtpj.node.replication;

/**
 * Tunables of the replication engine (defaults follow replication-prior-art.md §5.b).
 *
 * @param pendingEventsPerPeer orphans one peer may make us hold
 * @param pendingBytesPerPeer bytes of orphans one peer may make us hold
 * @param pendingTtlMs how long an orphan waits for its parents before it is dropped and charged to its sender
 * @param baseBanMs first ban; each later ban of the same peer doubles it
 * @param bootstrapThreshold events behind the peers' vectors from which a starting node streams topics instead
 *     of syncing by vector
 * @param maxQueuedReceive pushed events waiting for validation before further pushes are refused (UNAVAILABLE)
 * @param bootstrapStreamsPerPeer topic streams run in parallel against one peer during bootstrap
 * @param maxBootstrapTopics topics a bootstrap plans to stream (about 100 bytes of heap each); listing stops
 *     there and anti-entropy brings the rest, so a peer that lists without end cannot grow the plan without end
 */
public record ReplicatorOptions(int pendingEventsPerPeer, long pendingBytesPerPeer, long pendingTtlMs,
    long baseBanMs, long bootstrapThreshold, int maxQueuedReceive, int bootstrapStreamsPerPeer,
    int maxBootstrapTopics) {

  public static final ReplicatorOptions DEFAULTS =
      new ReplicatorOptions(10_000, 64L << 20, 10 * 60_000L, 60_000L, 1_000, 100_000, 4, 250_000);

  /** The same options with another bootstrap plan bound. */
  public ReplicatorOptions withMaxBootstrapTopics(int n) {
    return new ReplicatorOptions(pendingEventsPerPeer, pendingBytesPerPeer, pendingTtlMs, baseBanMs,
        bootstrapThreshold, maxQueuedReceive, bootstrapStreamsPerPeer, n);
  }
}
