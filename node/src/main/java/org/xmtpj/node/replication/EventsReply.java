package org.xmtpj.node.replication;

import java.util.List;

/**
 * Canonical event encodings answering a fetch.
 *
 * @param nextRow for topic ranges, the serving node's row to resume after; 0 otherwise
 * @param more true if the server stopped at a bound and more events match
 * @param floor for origin ranges, the serving node's floor for that origin: every sequence up to it that the
 *     answer does not hold was pruned (retention, docs/replication.md §6); 0 otherwise or if nothing was pruned
 */
public record EventsReply(List<byte[]> events, long nextRow, boolean more, long floor) {
  public EventsReply {
    events = List.copyOf(events);
  }

  public EventsReply(List<byte[]> events, long nextRow, boolean more) {
    this(events, nextRow, more, 0);
  }

  public static EventsReply of(List<byte[]> events, boolean more) {
    return new EventsReply(events, 0, more, 0);
  }

  public EventsReply withFloor(long f) {
    return new EventsReply(events, nextRow, more, f);
  }
}
