package org.xmtpj.node.replication;

/**
 * Hard bounds on everything a peer can send or ask for. A request beyond them is refused with INVALID_ARGUMENT
 * (and counts against the peer); a frame beyond {@code maxFrameBytes} is refused by the transport before decoding.
 *
 * @param maxServingCallsPerPeer calls one peer may have in progress on this node at once (reads and pushes); more
 *     wait for a place, and are refused as UNAVAILABLE {@code peer_busy} if none frees up in time, so one peer
 *     cannot take every serving thread or the whole reply budget
 * @param maxServingBytes heap all replies to peers may hold together while they are built and sent, node-wide; a
 *     reply that finds no room is refused as UNAVAILABLE {@code node_busy} (the peer retries later) instead of the
 *     node running out of heap
 */
public record ReplicationLimits(int maxFrameBytes, int maxPushEvents, int maxFetchEvents, int maxWant,
    int maxHaveHeads, int maxIds, int maxTopicsPage, int maxHeadsTopics, int maxVectorOrigins,
    int maxServingCallsPerPeer, long maxServingBytes) {

  public static final int DEFAULT_MAX_SERVING_CALLS_PER_PEER = 8;
  /** 96 MiB: eight full 4 MiB replies being sent at once, each booked at about three times its size. */
  public static final long DEFAULT_MAX_SERVING_BYTES = 96L * 1024 * 1024;

  public static final ReplicationLimits DEFAULTS =
      new ReplicationLimits(4 * 1024 * 1024, 1000, 1000, 16, 64, 256, 1000, 256, 10_000);

  public ReplicationLimits {
    if (maxServingCallsPerPeer < 1 || maxServingBytes < 1024 * 1024) {
      throw new IllegalArgumentException("maxServingCallsPerPeer must be ≥ 1 and maxServingBytes ≥ 1 MiB");
    }
  }

  /** With the default serving budgets. */
  public ReplicationLimits(int maxFrameBytes, int maxPushEvents, int maxFetchEvents, int maxWant,
      int maxHaveHeads, int maxIds, int maxTopicsPage, int maxHeadsTopics, int maxVectorOrigins) {
    this(maxFrameBytes, maxPushEvents, maxFetchEvents, maxWant, maxHaveHeads, maxIds, maxTopicsPage,
        maxHeadsTopics, maxVectorOrigins, DEFAULT_MAX_SERVING_CALLS_PER_PEER, DEFAULT_MAX_SERVING_BYTES);
  }

  /** Bytes an answer may carry: the frame minus room for the envelope around the events. */
  public long maxReplyBytes() {
    return maxFrameBytes - 64 * 1024L;
  }

  /** These limits with other serving budgets. */
  public ReplicationLimits withServing(int callsPerPeer, long bytes) {
    return new ReplicationLimits(maxFrameBytes, maxPushEvents, maxFetchEvents, maxWant, maxHaveHeads, maxIds,
        maxTopicsPage, maxHeadsTopics, maxVectorOrigins, callsPerPeer, bytes);
  }
}
