package org.xmtpj.node.replication;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.xmtpj.dag.SignedEvent;

/** The node's writer, as replication sees it. */
@FunctionalInterface
public interface LocalLog {
  /**
   * Durably stores verified events, in causal order, whose parents are all stored or earlier in the list.
   * Completes with, per event, whether it was newly stored.
   */
  CompletableFuture<List<Boolean>> insert(List<SignedEvent> events);
}
