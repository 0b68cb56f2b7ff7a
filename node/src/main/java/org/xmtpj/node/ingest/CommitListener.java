package org.xmtpj.node.ingest;

import java.util.List;
import org.xmtpj.store.StoredEnvelope;

/** Told, on the writer thread and in commit order, what has just become durable (or was a relayed duplicate). */
@FunctionalInterface
public interface CommitListener {
  /** Must not block: it runs on the thread that owns the write path. */
  void committed(List<StoredEnvelope> envelopes);
}
