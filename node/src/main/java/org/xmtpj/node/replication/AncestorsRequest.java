package org.xmtpj.node.replication;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.TopicKey;

/**
 * Missing ancestors of {@code want}, bounded by what the requester has: the server walks parent links back from
 * {@code want} and stops at {@code haveHeads}, at events the requester's contiguous vector covers, and at the bounds.
 * The answer is in causal order (parents first), so the requester can insert it front to back.
 */
public record AncestorsRequest(TopicKey topic, List<EventId> want, List<EventId> haveHeads,
    Map<OriginKey, Long> haveVector, int maxEvents, long maxBytes) {
  public AncestorsRequest {
    want = List.copyOf(want);
    haveHeads = List.copyOf(haveHeads);
    haveVector = new TreeMap<>(haveVector);
  }
}
