package org.xmtpj.node.ingest;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.xmtpj.dag.ClientEnvelope;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.SignedEvent;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.store.PruneResult;

/** Work for the single writer. */
sealed interface WriteRequest {
  CompletableFuture<?> done();

  /**
   * A client publish: link, sign, store, acknowledge.
   *
   * @param authorization the auth token's bytes, for envelopes on owner-only topics; null if the request has none
   */
  record Publish(List<ClientEnvelope> envelopes, byte[] authorization, CompletableFuture<Void> done,
      long enqueuedNanos) implements WriteRequest {}

  /** Verified, causally complete events from peers; completes with which of them were newly stored. */
  record Replicated(List<SignedEvent> events, CompletableFuture<List<Boolean>> done) implements WriteRequest {}

  /** A merge event over a topic's visible heads (the writer decided the topic is too wide). */
  record Merge(TopicKey topic, CompletableFuture<Void> done) implements WriteRequest {}

  /** Make due future-dated events visible. */
  record Release(long nowMs, CompletableFuture<Void> done) implements WriteRequest {}

  /** Retention: one bounded pass deleting events created before the horizon. */
  record Prune(long horizonMs, int maxEvents, CompletableFuture<PruneResult> done) implements WriteRequest {}

  /** Retention: a peer declared this origin's sequences up to {@code floor} that it did not send pruned. */
  record RaiseFloor(OriginKey origin, long floor, CompletableFuture<Void> done) implements WriteRequest {}

  /** Retention: these heads were superseded by events pruned before this node saw them. */
  record RetireHeads(TopicKey topic, List<EventId> heads, CompletableFuture<Integer> done) implements WriteRequest {}
}
