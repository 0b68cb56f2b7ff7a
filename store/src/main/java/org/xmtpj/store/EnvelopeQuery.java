package org.xmtpj.store;

import java.util.List;
import org.xmtpj.dag.EnvelopeCursor;
import org.xmtpj.dag.SortDirection;

/**
 * A validated client query. Time bounds are inclusive; 0 means unbounded.
 *
 * @param cursor the last envelope of the previous page, or null for the first page
 * @param maxBytes the page ends early once its envelopes' stored bytes would pass this (it always holds at least
 *     one envelope, if there is one), with a cursor as a full page has: what one page may cost, whatever
 *     {@code limit} says ({@link Long#MAX_VALUE}: no bound)
 */
public record EnvelopeQuery(List<String> topics, long startTimeNs, long endTimeNs, SortDirection direction,
    EnvelopeCursor cursor, int limit, long maxBytes) {

  /** A query bounded by {@code limit} only. */
  public EnvelopeQuery(List<String> topics, long startTimeNs, long endTimeNs, SortDirection direction,
      EnvelopeCursor cursor, int limit) {
    this(topics, startTimeNs, endTimeNs, direction, cursor, limit, Long.MAX_VALUE);
  }

  public EnvelopeQuery {
    topics = List.copyOf(topics);
    if (topics.isEmpty()) {
      throw new IllegalArgumentException("at least one topic");
    }
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive");
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be positive");
    }
  }

  /** This query with a page budget of {@code bytes}. */
  public EnvelopeQuery withMaxBytes(long bytes) {
    return new EnvelopeQuery(topics, startTimeNs, endTimeNs, direction, cursor, limit, bytes);
  }
}
