package org.xmtpj.node.replication;

import java.util.List;

/**
 * Canonical event encodings answering a fetch.
 *
 * @param nextRow for topic ranges, the serving node's row to resume after; 0 otherwise
 * @param more true if the server stopped at a bound and more events match
 */
public record EventsReply(List<byte[]> events, long nextRow, boolean more) {
  public EventsReply {
    events = List.copyOf(events);
  }

  public static EventsReply of(List<byte[]> events, boolean more) {
    return new EventsReply(events, 0, more);
  }
}
