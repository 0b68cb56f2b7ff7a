package org.xmtpj.node.ingest;

import java.util.List;
import org.xmtpj.dag.SignedEvent;
import org.xmtpj.store.StoredEnvelope;
import org.xmtpj.store.StoredEvent;

/**
 * A batch the preparer has linked and signed, waiting for the committer.
 *
 * @param spans per request, the [offset, length) of its events in {@code events}
 * @param relayed duplicates of stored envelopes: not stored again, but delivered to subscribers (XMTP relays them)
 * @param originated the events this node signed in the batch
 * @param digests the digests this batch put in flight (released after its commit)
 * @param originSeqBefore the origin sequence before this batch, to rewind to if its commit fails; -1 if the
 *     preparation itself failed (already answered)
 */
record Prepared(List<WriteRequest> requests, List<StoredEvent> events, List<int[]> spans,
    List<StoredEnvelope> relayed, List<SignedEvent> originated, List<org.xmtpj.store.Digest> digests,
    long originSeqBefore, int generation) {

  static final Prepared END = new Prepared(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), -1,
      -1);

  boolean failed() {
    return originSeqBefore < 0;
  }
}
