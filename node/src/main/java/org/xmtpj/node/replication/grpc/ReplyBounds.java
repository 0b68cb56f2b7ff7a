package org.xmtpj.node.replication.grpc;

import org.xmtpj.node.replication.ReplicationLimits;

/**
 * The largest reply each call can produce, known before the handler reads anything, so that {@link ServingBudget}
 * books it up front. Data calls (ranges, ancestors, events) may fill a whole frame; the others are bounded by their
 * request and the limits, far below a frame, and booking a frame for each would let a dozen vector calls fill the
 * node's reply budget. A reply that comes out above its bound still books the excess before it is sent.
 */
record ReplyBounds(long data, long vector, long topicsPage, long buckets, long empty) {
  /** Protobuf bytes of one vector entry at most: a 32-byte origin and two varints, with their tags. */
  static final int VECTOR_ENTRY_BYTES = 64;
  /**
   * One topic summary at most: the 32-byte key and heads hash, a count, and a name of up to 300 UTF-16 chars
   * (at most 900 bytes of UTF-8), with tags.
   */
  static final int TOPIC_SUMMARY_BYTES = 1024;
  /** 256 bucket hashes of 32 bytes, with tags. */
  static final int BUCKETS_BYTES = ProtoCodec.BUCKETS * 40;
  /** Room for a reply's own framing and fixed fields. */
  static final int SLACK = 1024;

  static ReplyBounds of(ReplicationLimits limits) {
    long frame = limits.maxReplyBytes();
    return new ReplyBounds(frame,
        Math.min(frame, (long) limits.maxVectorOrigins() * VECTOR_ENTRY_BYTES + SLACK),
        Math.min(frame, (long) limits.maxTopicsPage() * TOPIC_SUMMARY_BYTES + SLACK),
        BUCKETS_BYTES + SLACK, SLACK);
  }
}
