package org.xmtpj.bench;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node's {@code GET /debug/replication} document: events and topics stored, the content fingerprint (equal
 * fingerprints = equal event sets), whether the start-up bootstrap is over, and the replication backlog.
 */
record ReplicationStatus(long events, long topics, String fingerprint, boolean bootstrapped, long pending,
    long inFlight, int peers, String json) {

  static ReplicationStatus parse(String json) {
    return new ReplicationStatus(number(json, "events"), number(json, "topics"), string(json, "fingerprint"),
        "true".equals(raw(json, "bootstrapped")), number(json, "pending"), number(json, "inFlight"),
        (int) number(json, "peers"), json);
  }

  private static long number(String json, String key) {
    String v = raw(json, key);
    try {
      return v == null ? -1 : Long.parseLong(v);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String string(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\":\"([^\"]*)\"").matcher(json);
    return m.find() ? m.group(1) : "";
  }

  private static String raw(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\":([-0-9a-z]+)").matcher(json);
    return m.find() ? m.group(1) : null;
  }

  String brief() {
    return String.format("events %,d, topics %,d, bootstrapped %s, pending %d, in flight %d, fingerprint %s…",
        events, topics, bootstrapped, pending, inFlight, fingerprint.substring(0, Math.min(12, fingerprint.length())));
  }
}
