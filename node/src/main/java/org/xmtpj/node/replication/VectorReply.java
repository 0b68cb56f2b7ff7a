package org.xmtpj.node.replication;

import java.util.Map;
import java.util.TreeMap;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.store.OriginProgress;

/**
 * A node's vector and its reconciliation fingerprint (XOR of all topics' heads hashes). Its size depends on the
 * number of origins only, so an anti-entropy round between nodes in sync costs the same for 10 or 10^6 topics.
 */
public record VectorReply(Map<OriginKey, OriginProgress> vector, byte[] fingerprint) {
  public VectorReply {
    vector = new TreeMap<>(vector);
    fingerprint = fingerprint.clone();
  }
}
