package org.xmtpj.node.ingest;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.xmtpj.dag.ClientEnvelope;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.node.api.ApiException;
import org.xmtpj.node.api.ErrorCode;

/**
 * Refuses publishes on topics this node has not caught up on yet (bootstrap): an event linked to a stale view of
 * the topic would start a branch, so the client is told to retry (or use another node) instead.
 */
public final class CaughtUpGate implements Publisher {
  private final Publisher next;
  private final Predicate<TopicKey> caughtUp;

  public CaughtUpGate(Publisher next, Predicate<TopicKey> caughtUp) {
    this.next = next;
    this.caughtUp = caughtUp;
  }

  @Override
  public CompletableFuture<Void> publish(List<ClientEnvelope> envelopes, byte[] authorization) {
    for (ClientEnvelope e : envelopes) {
      if (!caughtUp.test(TopicKey.of(e.contentTopic()))) {
        return CompletableFuture.failedFuture(new ApiException(ErrorCode.UNAVAILABLE, "catching_up",
            "this node is still catching up on topic " + e.contentTopic()
                + " from its peers; retry in a few seconds or publish through another node"));
      }
    }
    return next.publish(envelopes, authorization);
  }
}
