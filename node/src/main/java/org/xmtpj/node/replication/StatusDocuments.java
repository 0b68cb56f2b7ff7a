package org.xmtpj.node.replication;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.store.EventStore;
import org.xmtpj.store.Evidence;
import org.xmtpj.store.OriginProgress;

/**
 * JSON views for operators and tests: the node's vector and fingerprint (two nodes with equal fingerprints hold
 * the same events), replication state, and recorded equivocation evidence.
 */
public final class StatusDocuments {
  private StatusDocuments() {}

  public static String replication(OriginKey self, EventStore store, Replicator replicator) {
    StringBuilder sb = new StringBuilder("{\"node\":\"").append(self.hex()).append("\",\"vector\":{");
    boolean first = true;
    for (Map.Entry<OriginKey, OriginProgress> e : store.vector().entrySet()) {
      sb.append(first ? "" : ",").append('"').append(e.getKey().hex()).append("\":{\"contiguous\":")
          .append(e.getValue().contiguous()).append(",\"maxSeen\":").append(e.getValue().maxSeen());
      long floor = store.floor(e.getKey());
      sb.append(floor > 0 ? ",\"floor\":" + floor : "").append('}'); // retention: pruned up to here
      first = false;
    }
    sb.append("},\"fingerprint\":\"").append(HexFormat.of().formatHex(Fingerprints.total(store.fingerprintBuckets())))
        .append("\",\"events\":").append(store.stats().events()).append(",\"topics\":").append(store.stats().topics());
    if (replicator != null) {
      Replicator.Status s = replicator.status();
      sb.append(",\"bootstrapped\":").append(s.bootstrapped()).append(",\"peers\":").append(s.peers())
          .append(",\"pending\":").append(s.pending()).append(",\"inFlight\":").append(s.inFlight());
    }
    return sb.append('}').toString();
  }

  /** Equivocations read for {@code /debug/evidence}: each holds two events of up to 1 MiB. */
  static final int EVIDENCE_ROWS = 64;
  /** Characters of evidence encodings one document renders (hex doubles the bytes); the rest name origin and seq. */
  static final long EVIDENCE_CHARS = 8L << 20;

  /**
   * The recorded equivocations, oldest first: at most {@link #EVIDENCE_ROWS}, and their encodings only while the
   * document stays within {@link #EVIDENCE_CHARS} (an entry past it says {@code "truncated":true}), so a peer that
   * equivocates with large events cannot make the node render gigabytes. {@code "complete"} says whether it holds
   * everything recorded.
   */
  public static String evidence(EventStore store) {
    List<Evidence> rows = store.evidence(EVIDENCE_ROWS + 1);
    return evidence(rows.subList(0, Math.min(rows.size(), EVIDENCE_ROWS)), rows.size() <= EVIDENCE_ROWS,
        EVIDENCE_CHARS);
  }

  static String evidence(List<Evidence> rows, boolean allRows, long maxChars) {
    StringBuilder sb = new StringBuilder("{\"equivocations\":[");
    boolean first = true;
    boolean complete = allRows;
    for (Evidence e : rows) {
      sb.append(first ? "" : ",").append("{\"origin\":\"").append(e.origin().hex()).append("\",\"originSeq\":")
          .append(e.originSeq());
      long chars = 2L * (e.first().length + e.second().length);
      if (sb.length() + chars <= maxChars) {
        sb.append(",\"first\":\"").append(HexFormat.of().formatHex(e.first()))
            .append("\",\"second\":\"").append(HexFormat.of().formatHex(e.second())).append('"');
      } else {
        sb.append(",\"truncated\":true");
        complete = false;
      }
      sb.append('}');
      first = false;
    }
    return sb.append("],\"complete\":").append(complete).append('}').toString();
  }
}
