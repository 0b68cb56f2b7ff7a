package org.xmtpj.node.replication;

/**
 * Hard bounds on everything a peer can send or ask for. A request beyond them is refused with INVALID_ARGUMENT
 * (and counts against the peer); a frame beyond {@code maxFrameBytes} is refused by the transport before decoding.
 */
public record ReplicationLimits(int maxFrameBytes, int maxPushEvents, int maxFetchEvents, int maxWant,
    int maxHaveHeads, int maxIds, int maxTopicsPage, int maxHeadsTopics, int maxVectorOrigins) {

  public static final ReplicationLimits DEFAULTS =
      new ReplicationLimits(4 * 1024 * 1024, 1000, 1000, 16, 64, 256, 1000, 256, 10_000);

  /** Bytes an answer may carry: the frame minus room for the envelope around the events. */
  public long maxReplyBytes() {
    return maxFrameBytes - 64 * 1024L;
  }
}
