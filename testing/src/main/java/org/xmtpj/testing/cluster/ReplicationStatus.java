package org.xmtpj.testing.cluster;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import java.util.Map;

/**
 * One node's {@code GET /debug/replication} document ({@code StatusDocuments.replication} in the node), parsed
 * with Gson. Two nodes with equal {@link #fingerprint()} hold the same events.
 *
 * @param node the node key (hex)
 * @param vector per origin (hex key): how far this node holds that origin's events
 * @param bootstrapped false until the node's first catch-up with its peers is over (it refuses publishes before)
 * @param peers the peers the node knows (configured, from the peers file, or learned)
 * @param pending received events waiting for their parents
 * @param inFlight events accepted but not yet stored
 */
public record ReplicationStatus(String node, Map<String, Progress> vector, String fingerprint, long events,
    long topics, boolean bootstrapped, int peers, long pending, long inFlight) {
  private static final Gson GSON = new Gson();

  /**
   * @param contiguous every event of the origin up to this sequence number is here
   * @param maxSeen the highest sequence number seen from the origin
   * @param floor events below this were pruned by retention (0: none; the node leaves it out then)
   */
  public record Progress(long contiguous, long maxSeen, long floor) {}

  public ReplicationStatus {
    vector = vector == null ? Map.of() : Map.copyOf(vector);
  }

  /**
   * Parses the document. Fields the node leaves out (the replicator's when replication is off, a zero floor) take
   * their zero value.
   *
   * @throws IllegalArgumentException when it is not such a document
   */
  public static ReplicationStatus parse(String json) {
    ReplicationStatus s;
    try {
      s = GSON.fromJson(json, ReplicationStatus.class);
    } catch (JsonParseException e) {
      throw new IllegalArgumentException("not a /debug/replication document: " + json, e);
    }
    if (s == null || s.node() == null || s.fingerprint() == null) {
      throw new IllegalArgumentException("not a /debug/replication document: " + json);
    }
    return s;
  }

  /** Nothing waiting for parents and nothing on its way to the store. */
  public boolean quiet() {
    return pending == 0 && inFlight == 0;
  }

  /** One line for a report: counts, bootstrap, backlog and the fingerprint's first characters. */
  public String brief() {
    return String.format("events %,d, topics %,d, bootstrapped %s, pending %d, in flight %d, fingerprint %s…",
        events, topics, bootstrapped, pending, inFlight, fingerprint.substring(0, Math.min(12, fingerprint.length())));
  }

  /** The contiguous sequence number this node holds of {@code origin}'s events (0 when it has none). */
  public long contiguous(String origin) {
    Progress p = vector.get(origin);
    return p == null ? 0 : p.contiguous();
  }
}
