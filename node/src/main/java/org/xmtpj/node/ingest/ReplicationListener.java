package org.xmtpj.node.ingest;

import java.util.List;
import org.xmtpj.dag.SignedEvent;
import org.xmtpj.store.Evidence;

/** What replication learns from the writer, on the committer thread, in commit order. Must not block. */
public interface ReplicationListener {
  /** Events this node originated (publishes and merges), durable, to push to peers. */
  void originated(List<SignedEvent> events);

  /** Equivocations revealed by an append. */
  void evidence(List<Evidence> evidence);

  ReplicationListener NONE = new ReplicationListener() {
    @Override
    public void originated(List<SignedEvent> events) {}

    @Override
    public void evidence(List<Evidence> evidence) {}
  };
}
