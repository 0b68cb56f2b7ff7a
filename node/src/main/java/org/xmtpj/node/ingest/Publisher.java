package org.xmtpj.node.ingest;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.xmtpj.dag.ClientEnvelope;

/** Accepts validated envelopes for storage. */
public interface Publisher {
  /**
   * Stores every envelope of the request, all or none. The future completes once they are durable (fsync'd) and
   * have been handed to subscribers; it fails with an {@link org.xmtpj.node.api.ApiException} otherwise.
   */
  default CompletableFuture<Void> publish(List<ClientEnvelope> envelopes) {
    return publish(envelopes, null);
  }

  /**
   * As {@link #publish(List)}, with the bytes of the auth token the request was accepted under: envelopes on
   * owner-only topics carry it into their events ({@link org.xmtpj.dag.OwnedTopics}), and without it they fail.
   */
  CompletableFuture<Void> publish(List<ClientEnvelope> envelopes, byte[] authorization);
}
