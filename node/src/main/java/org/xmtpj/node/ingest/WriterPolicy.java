package org.xmtpj.node.ingest;

/**
 * Local write policy; none of it affects validity, only visibility and housekeeping.
 *
 * @param maxBatchEnvelopes most envelopes one group commit takes
 * @param maxQueuedRequests write requests that may wait before new publishes are refused
 * @param futureToleranceMs events created further than this ahead of the local clock are hidden from clients
 *     until they are within it
 * @param mergeAfterMs a topic with more than two heads for this long gets a merge event (from the node ranked
 *     first for it; the others wait one more period per rank, in case it is down)
 */
public record WriterPolicy(int maxBatchEnvelopes, int maxQueuedRequests, long futureToleranceMs, long mergeAfterMs) {
  public static final long DEFAULT_FUTURE_TOLERANCE_MS = 5 * 60_000L;
  public static final long DEFAULT_MERGE_AFTER_MS = 30_000L;

  public static WriterPolicy of(int maxBatchEnvelopes, int maxQueuedRequests) {
    return new WriterPolicy(maxBatchEnvelopes, maxQueuedRequests, DEFAULT_FUTURE_TOLERANCE_MS,
        DEFAULT_MERGE_AFTER_MS);
  }
}
