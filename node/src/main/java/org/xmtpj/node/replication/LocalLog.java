package org.xmtpj.node.replication;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.SignedEvent;
import org.xmtpj.dag.TopicKey;

/** The node's writer, as replication sees it. */
@FunctionalInterface
public interface LocalLog {
  /**
   * Durably stores verified events, in causal order, whose parents are all stored or earlier in the list.
   * Completes with, per event, whether it was newly stored.
   */
  CompletableFuture<List<Boolean>> insert(List<SignedEvent> events);

  /**
   * Retention: every sequence of {@code origin} up to {@code floor} not stored here is gone for good (a peer
   * declared it pruned). Does nothing by default, for writers without retention.
   */
  default CompletableFuture<Void> raiseFloor(OriginKey origin, long floor) {
    return CompletableFuture.completedFuture(null);
  }

  /** Retention: these heads were superseded by events pruned before this node saw them. Nothing by default. */
  default CompletableFuture<Integer> retireHeads(TopicKey topic, List<EventId> heads) {
    return CompletableFuture.completedFuture(0);
  }
}
