package org.xmtpj.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xmtpj.dag.ClientEnvelope;

/**
 * The client-visibility rule, applied to events becoming visible candidates (appended unhidden, or released):
 * per digest, the visible representative is the event with the smallest (timestamp, id), ids compared bytewise
 * unsigned. A candidate that beats the current representative takes over (the old one loses its local sequence);
 * one that does not stays stored but invisible. Planned in memory, then written by the caller.
 */
final class VisibilityPlan {
  /** A candidate, or a representative already stored ({@code envelope} null, {@code stored} true). */
  record Candidate(long row, long ts, byte[] id, Digest digest, ClientEnvelope envelope, boolean stored) {}

  private final Map<Digest, Candidate> representatives = new HashMap<>();
  private final List<Long> demoted = new ArrayList<>();
  private final Map<Long, Candidate> winners = new LinkedHashMap<>();

  private VisibilityPlan() {}

  /** Starts from the stored representatives of these digests (inside the caller's transaction). */
  static VisibilityPlan load(Connection c, Collection<Digest> digests) throws SQLException {
    VisibilityPlan plan = new VisibilityPlan();
    for (List<Digest> chunk : Sql.chunks(List.copyOf(digests))) {
      try (PreparedStatement ps = c.prepareStatement("SELECT row_no, ts, id, digest FROM events"
          + " WHERE digest IN (" + Sql.placeholders(chunk.size()) + ") AND local_seq IS NOT NULL")) {
        Sql.bindBytes(ps, 1, chunk.stream().map(Digest::bytes).toList());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Digest d = new Digest(rs.getBytes(4));
            plan.representatives.put(d, new Candidate(rs.getLong(1), rs.getLong(2), rs.getBytes(3), d, null, true));
          }
        }
      }
    }
    return plan;
  }

  /** Applies the rule to one candidate, in the order candidates become visible. */
  void offer(Candidate c) {
    Candidate current = representatives.get(c.digest());
    if (current != null && compare(current, c) <= 0) {
      return;
    }
    if (current != null) {
      if (current.stored()) {
        demoted.add(current.row());
      } else {
        winners.remove(current.row());
      }
    }
    representatives.put(c.digest(), c);
    winners.put(c.row(), c);
  }

  /** Rows of stored representatives that lose their local sequence (write these first: digests are unique). */
  List<Long> demoted() {
    return demoted;
  }

  /** Candidates that end up visible, in the order they were offered: assign local sequences in this order. */
  List<Candidate> winners() {
    return List.copyOf(winners.values());
  }

  static int compare(Candidate a, Candidate b) {
    int byTs = Long.compare(a.ts(), b.ts());
    return byTs != 0 ? byTs : Arrays.compareUnsigned(a.id(), b.id());
  }
}
