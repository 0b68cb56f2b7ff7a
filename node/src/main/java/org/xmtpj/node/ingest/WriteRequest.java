package org.xmtpj.node.ingest;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.xmtpj.dag.ClientEnvelope;
import org.xmtpj.dag.SignedEvent;
import org.xmtpj.dag.TopicKey;

/** Work for the single writer. */
sealed interface WriteRequest {
  CompletableFuture<?> done();

  /** A client publish: link, sign, store, acknowledge. */
  record Publish(List<ClientEnvelope> envelopes, CompletableFuture<Void> done, long enqueuedNanos)
      implements WriteRequest {}

  /** Verified, causally complete events from peers; completes with which of them were newly stored. */
  record Replicated(List<SignedEvent> events, CompletableFuture<List<Boolean>> done) implements WriteRequest {}

  /** A merge event over a topic's visible heads (the writer decided the topic is too wide). */
  record Merge(TopicKey topic, CompletableFuture<Void> done) implements WriteRequest {}

  /** Make due future-dated events visible. */
  record Release(long nowMs, CompletableFuture<Void> done) implements WriteRequest {}
}
