package org.xmtpj.testing.sim;

/** The replication calls, as the simulated network counts them. */
public enum CallType {
  PUSH,
  VECTOR,
  ORIGIN_RANGE,
  ANCESTORS,
  EVENTS,
  TOPICS,
  TOPIC_RANGE,
  BUCKETS,
  BUCKET,
  HEADS
}
