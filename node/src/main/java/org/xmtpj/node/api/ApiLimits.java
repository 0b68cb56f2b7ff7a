package org.xmtpj.node.api;

import org.xmtpj.dag.DagLimits;
import org.xmtpj.node.subscribe.StreamLimits;

/**
 * Every bound the client API enforces. Defaults follow node-go where it has one, so that existing clients keep
 * working; each is a config value so operators can tighten it.
 *
 * @param maxTopicChars longest content topic (node-go: 300)
 * @param maxMessageBytes largest envelope message (node-go: 1,048,214)
 * @param maxEnvelopesPerPublish envelopes in one publish (xmtp-js sends at most 3)
 * @param maxPageSize largest query page (node-go: 100)
 * @param maxPreferencesPageSize largest page on a single userpreferences topic (node-go: 500)
 * @param maxBatchQueries queries in one batch (node-go: 50)
 * @param maxTopicsPerQuery topics in one query
 * @param maxTopicsPerSubscription topics in one subscription
 * @param maxRequestBytes largest HTTP body or gRPC message
 * @param maxResponseBytes the stored bytes one query or batch-query answer may carry: a page ends early at this
 *     budget with a cursor (always holding one envelope, so paging moves on), and a batch shares one budget. node-go
 *     has none: 50 queries of 100 envelopes of 1 MiB each would make it build 5 GiB before sending a byte
 * @param streams what live streams may hold of the node
 * @param maxInFlightBytes heap that all client requests in progress may hold together, node-wide: request bodies
 *     being read and answers being built or sent (an answer is booked at {@code 6 ×} its stored bytes, the peak of
 *     the page, its protobuf and its JSON together). The per-request limits bound one request; this bounds their sum, so that
 *     concurrent large answers make the node answer RESOURCE_EXHAUSTED {@code node_busy} instead of running out of
 *     heap
 */
public record ApiLimits(int maxTopicChars, int maxMessageBytes, int maxEnvelopesPerPublish, int maxPageSize,
    int maxPreferencesPageSize, int maxBatchQueries, int maxTopicsPerQuery, int maxTopicsPerSubscription,
    int maxRequestBytes, int maxResponseBytes, StreamLimits streams, long maxInFlightBytes) {

  /** 128 MiB: a quarter of a 512 MiB heap; 5 full 4 MiB answers at once, or hundreds of ordinary ones. */
  public static final long DEFAULT_MAX_IN_FLIGHT_BYTES = 128L * 1024 * 1024;

  /** 4 MiB: what a gRPC client takes by default, and 4,000 envelopes of 1 KB, 80 times a batch of contact lookups. */
  public static final int DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

  public static final ApiLimits DEFAULTS = new ApiLimits(DagLimits.MAX_TOPIC_CHARS, DagLimits.MAX_MESSAGE_BYTES,
      100, 100, 500, 50, 100, 10_000, 8 * 1024 * 1024, DEFAULT_MAX_RESPONSE_BYTES, StreamLimits.DEFAULTS,
      DEFAULT_MAX_IN_FLIGHT_BYTES);

  /** With the default in-flight budget. */
  public ApiLimits(int maxTopicChars, int maxMessageBytes, int maxEnvelopesPerPublish, int maxPageSize,
      int maxPreferencesPageSize, int maxBatchQueries, int maxTopicsPerQuery, int maxTopicsPerSubscription,
      int maxRequestBytes, int maxResponseBytes, StreamLimits streams) {
    this(maxTopicChars, maxMessageBytes, maxEnvelopesPerPublish, maxPageSize, maxPreferencesPageSize,
        maxBatchQueries, maxTopicsPerQuery, maxTopicsPerSubscription, maxRequestBytes, maxResponseBytes, streams,
        DEFAULT_MAX_IN_FLIGHT_BYTES);
  }

  public ApiLimits {
    java.util.Objects.requireNonNull(streams, "streams");
    if (maxTopicChars < 1 || maxTopicChars > DagLimits.MAX_TOPIC_CHARS) {
      throw new IllegalArgumentException("maxTopicChars must be 1.." + DagLimits.MAX_TOPIC_CHARS);
    }
    if (maxMessageBytes < 1 || maxMessageBytes > DagLimits.MAX_MESSAGE_BYTES) {
      throw new IllegalArgumentException("maxMessageBytes must be 1.." + DagLimits.MAX_MESSAGE_BYTES);
    }
    if (maxEnvelopesPerPublish < 1 || maxPageSize < 1 || maxPreferencesPageSize < 1 || maxBatchQueries < 1
        || maxTopicsPerQuery < 1 || maxTopicsPerSubscription < 1 || maxRequestBytes < 1024
        || maxResponseBytes < 1024) {
      throw new IllegalArgumentException("every limit must be positive (and maxRequestBytes, maxResponseBytes "
          + ">= 1024)");
    }
    if (maxInFlightBytes < 1024 * 1024) {
      throw new IllegalArgumentException("maxInFlightBytes must be at least 1 MiB, was " + maxInFlightBytes);
    }
  }

  /** These limits with another response budget. */
  public ApiLimits withMaxResponseBytes(int bytes) {
    return new ApiLimits(maxTopicChars, maxMessageBytes, maxEnvelopesPerPublish, maxPageSize,
        maxPreferencesPageSize, maxBatchQueries, maxTopicsPerQuery, maxTopicsPerSubscription, maxRequestBytes, bytes,
        streams, maxInFlightBytes);
  }

  /** These limits with other stream limits. */
  public ApiLimits withStreams(StreamLimits s) {
    return new ApiLimits(maxTopicChars, maxMessageBytes, maxEnvelopesPerPublish, maxPageSize,
        maxPreferencesPageSize, maxBatchQueries, maxTopicsPerQuery, maxTopicsPerSubscription, maxRequestBytes,
        maxResponseBytes, s, maxInFlightBytes);
  }

  /** These limits with another in-flight budget. */
  public ApiLimits withMaxInFlightBytes(long bytes) {
    return new ApiLimits(maxTopicChars, maxMessageBytes, maxEnvelopesPerPublish, maxPageSize,
        maxPreferencesPageSize, maxBatchQueries, maxTopicsPerQuery, maxTopicsPerSubscription, maxRequestBytes,
        maxResponseBytes, streams, bytes);
  }
}
