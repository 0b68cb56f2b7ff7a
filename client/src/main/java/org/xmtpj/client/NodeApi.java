package org.xmtpj.client;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xmtp.proto.message.api.v1.BatchQueryRequest;
import org.xmtp.proto.message.api.v1.BatchQueryResponse;
import org.xmtp.proto.message.api.v1.Envelope;
import org.xmtp.proto.message.api.v1.PagingInfo;
import org.xmtp.proto.message.api.v1.QueryRequest;
import org.xmtp.proto.message.api.v1.QueryResponse;
import org.xmtp.proto.message.api.v1.SortDirection;

/**
 * The transport plus what every caller needs around it: retries of transient failures (publishes are idempotent,
 * the node dedupes them), auth tokens refreshed before they expire and once more on UNAUTHENTICATED, and paging.
 */
final class NodeApi implements AutoCloseable {
  static final int MAX_PAGE = 100;
  static final int MAX_BATCH = 50;
  private static final Duration TOKEN_LIFETIME = Duration.ofMinutes(50);
  private static final int ATTEMPTS = 4;
  private static final int UNAUTHENTICATED = 16;

  private final ApiTransport transport;
  private final Clock clock;
  private final Sleeper sleeper;
  private PrivateIdentity identity;
  private String token;
  private long tokenCreatedMs;
  private long lastNs;
  private final java.util.Set<AutoCloseable> streams = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** Blocks between retries; tests pass a no-op. */
  interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  NodeApi(ApiTransport transport, Clock clock, Sleeper sleeper) {
    this.transport = transport;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  ApiTransport transport() {
    return transport;
  }

  /**
   * Now, in ns, strictly increasing per client: consent actions are keyed by timestamp in xmtp-js, so two in one
   * millisecond must still differ.
   */
  synchronized long nowNs() {
    lastNs = Math.max(clock.millis() * 1_000_000L, lastNs + 1);
    return lastNs;
  }

  Clock clock() {
    return clock;
  }

  synchronized void authenticateAs(PrivateIdentity who) {
    this.identity = who;
    this.token = null;
  }

  private synchronized String token(boolean fresh) {
    long now = clock.millis();
    if (fresh || token == null || now - tokenCreatedMs > TOKEN_LIFETIME.toMillis()) {
      // a refresh within the same millisecond would sign the same bytes again: move the time on
      long created = token == null ? now : Math.max(now, tokenCreatedMs + 1);
      token = AuthTokenFactory.token(identity, created * 1_000_000L);
      tokenCreatedMs = created;
    }
    return token;
  }

  void publish(List<Envelope> envelopes) {
    boolean refreshed = false;
    for (int attempt = 1; ; attempt++) {
      try {
        transport.publish(envelopes, token(false));
        return;
      } catch (XmtpException e) {
        if (e.status() == UNAUTHENTICATED && !refreshed) {
          refreshed = true;
          token(true);
          continue;
        }
        backOffOrThrow(e, attempt);
      }
    }
  }

  org.xmtpj.proto.checkpoint.v1.InclusionProofResponse inclusionProof(
      org.xmtpj.proto.checkpoint.v1.InclusionProofRequest request) {
    for (int attempt = 1; ; attempt++) {
      try {
        return transport.inclusionProof(request);
      } catch (XmtpException e) {
        backOffOrThrow(e, attempt);
      }
    }
  }

  QueryResponse query(QueryRequest request) {
    for (int attempt = 1; ; attempt++) {
      try {
        return transport.query(request);
      } catch (XmtpException e) {
        backOffOrThrow(e, attempt);
      }
    }
  }

  BatchQueryResponse batchQuery(BatchQueryRequest request) {
    for (int attempt = 1; ; attempt++) {
      try {
        return transport.batchQuery(request);
      } catch (XmtpException e) {
        backOffOrThrow(e, attempt);
      }
    }
  }

  private void backOffOrThrow(XmtpException e, int attempt) {
    boolean transientFailure = e.kind() == XmtpException.Kind.NODE_UNREACHABLE
        || e.status() == 14 || e.status() == 8;
    if (!transientFailure || attempt >= ATTEMPTS) {
      throw e;
    }
    try {
      sleeper.sleep(Duration.ofMillis(100L << (2 * (attempt - 1))));
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw e;
    }
  }

  /** One page-sized request on one topic; times in ns, 0 = unbounded. */
  static QueryRequest request(String topic, long startNs, long endNs, boolean descending, int pageSize) {
    return QueryRequest.newBuilder()
        .addContentTopics(topic)
        .setStartTimeNs(startNs)
        .setEndTimeNs(endNs)
        .setPagingInfo(PagingInfo.newBuilder()
            .setLimit(pageSize)
            .setDirection(descending ? SortDirection.SORT_DIRECTION_DESCENDING : SortDirection.SORT_DIRECTION_ASCENDING))
        .build();
  }

  /**
   * Envelopes of one topic in the requested order, following cursors until {@code max} (0 = all) are read or the
   * topic is exhausted.
   */
  List<Envelope> queryAll(String topic, long startNs, long endNs, boolean descending, int max) {
    List<Envelope> out = new ArrayList<>();
    QueryRequest request = request(topic, startNs, endNs, descending, pageSize(max));
    while (true) {
      QueryResponse page = query(request);
      out.addAll(page.getEnvelopesList());
      boolean more = page.getEnvelopesCount() > 0 && page.hasPagingInfo() && page.getPagingInfo().hasCursor();
      if (!more || (max > 0 && out.size() >= max)) {
        return max > 0 && out.size() > max ? out.subList(0, max) : out;
      }
      request = request.toBuilder()
          .setPagingInfo(request.getPagingInfo().toBuilder().setCursor(page.getPagingInfo().getCursor()))
          .build();
    }
  }

  private static int pageSize(int max) {
    return max > 0 && max < MAX_PAGE ? max : MAX_PAGE;
  }

  void track(AutoCloseable stream) {
    streams.add(stream);
  }

  void untrack(AutoCloseable stream) {
    streams.remove(stream);
  }

  /** Ends the client's streams first: a stream left running would keep reconnecting to a closed transport. */
  @Override
  public void close() {
    for (AutoCloseable s : List.copyOf(streams)) {
      try {
        s.close();
      } catch (Exception ignored) {
        // closing is best effort; the transport goes next either way
      }
    }
    transport.close();
  }
}
