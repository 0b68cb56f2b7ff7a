package org.xmtpj.node.replication;

import java.util.List;
import org.xmtpj.dag.Event;
import org.xmtpj.dag.EventCodec;
import org.xmtpj.dag.OriginKey;

/**
 * Checks the shape of a GetOriginRange page before it is used as the pull's cursor (local policy: the events are
 * still validated one by one on receipt). The next page starts after the last event of this one, so a page whose
 * events are not all decodable events of the asked origin, at or after {@code from}, in ascending sequence, cannot
 * move the pull on: a liar could stall it for ever (a garbage last event) or make it walk backwards.
 */
final class RangePage {
  private RangePage() {}

  /** The last event's sequence, or −1 if the page does not answer the request. */
  static long lastSeq(OriginKey origin, long from, List<byte[]> events) {
    long last = from - 1;
    for (byte[] raw : events) {
      Event e;
      try {
        e = EventCodec.decode(raw).event();
      } catch (RuntimeException malformed) {
        return -1;
      }
      if (!origin.equals(new OriginKey(e.origin())) || e.originSeq() <= last) {
        return -1;
      }
      last = e.originSeq();
    }
    return last;
  }
}
