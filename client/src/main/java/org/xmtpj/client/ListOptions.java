package org.xmtpj.client;

import java.time.Instant;

/**
 * Which messages to list.
 *
 * @param limit at most this many messages (0 = all); pages of up to 100 are fetched as needed
 * @param start only messages sent at or after this instant (null = no bound)
 * @param end only messages sent at or before this instant (null = no bound)
 * @param descending newest first when true
 */
public record ListOptions(int limit, Instant start, Instant end, boolean descending) {
  public static final ListOptions ALL = new ListOptions(0, null, null, false);

  public ListOptions {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative: " + limit);
    }
    if (start != null && end != null && end.isBefore(start)) {
      throw new IllegalArgumentException("end " + end + " is before start " + start);
    }
  }

  public static ListOptions latest(int limit) {
    return new ListOptions(limit, null, null, true);
  }

  public ListOptions withLimit(int n) {
    return new ListOptions(n, start, end, descending);
  }

  public ListOptions between(Instant from, Instant to) {
    return new ListOptions(limit, from, to, descending);
  }

  public ListOptions descending(boolean d) {
    return new ListOptions(limit, start, end, d);
  }
}
