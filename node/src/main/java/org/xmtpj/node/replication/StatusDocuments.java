package org.xmtpj.node.replication;

import java.util.HexFormat;
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

  public static String evidence(EventStore store) {
    StringBuilder sb = new StringBuilder("{\"equivocations\":[");
    boolean first = true;
    for (Evidence e : store.evidence(1000)) {
      sb.append(first ? "" : ",").append("{\"origin\":\"").append(e.origin().hex()).append("\",\"originSeq\":")
          .append(e.originSeq()).append(",\"first\":\"").append(HexFormat.of().formatHex(e.first()))
          .append("\",\"second\":\"").append(HexFormat.of().formatHex(e.second())).append("\"}");
      first = false;
    }
    return sb.append("]}").toString();
  }
}
