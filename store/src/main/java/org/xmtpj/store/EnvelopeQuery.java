package org.xmtpj.store;

import java.util.List;
import org.xmtpj.dag.EnvelopeCursor;
import org.xmtpj.dag.SortDirection;

/**
 * A validated client query. Time bounds are inclusive; 0 means unbounded.
 *
 * @param cursor the last envelope of the previous page, or null for the first page
 */
public record EnvelopeQuery(List<String> topics, long startTimeNs, long endTimeNs, SortDirection direction,
    EnvelopeCursor cursor, int limit) {

  public EnvelopeQuery {
    topics = List.copyOf(topics);
    if (topics.isEmpty()) {
      throw new IllegalArgumentException("at least one topic");
    }
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive");
    }
  }
}
