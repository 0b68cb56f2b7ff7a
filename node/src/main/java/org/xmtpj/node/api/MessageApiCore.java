package org.xmtpj.node.api;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.xmtp.proto.message.api.v1.BatchQueryRequest;
import org.xmtp.proto.message.api.v1.BatchQueryResponse;
import org.xmtp.proto.message.api.v1.Cursor;
import org.xmtp.proto.message.api.v1.Envelope;
import org.xmtp.proto.message.api.v1.IndexCursor;
import org.xmtp.proto.message.api.v1.PagingInfo;
import org.xmtp.proto.message.api.v1.PublishRequest;
import org.xmtp.proto.message.api.v1.QueryRequest;
import org.xmtp.proto.message.api.v1.QueryResponse;
import org.xmtp.proto.message.api.v1.SortDirection;
import org.xmtpj.crypto.auth.AuthException;
import org.xmtpj.crypto.auth.AuthTokenValidator;
import org.xmtpj.crypto.auth.AuthenticatedWallet;
import org.xmtpj.dag.ClientEnvelope;
import org.xmtpj.node.budget.MemoryBudget;
import org.xmtpj.node.ingest.Publisher;
import org.xmtpj.node.ratelimit.RateLimiter;
import org.xmtpj.node.subscribe.EnvelopeSink;
import org.xmtpj.node.subscribe.Subscription;
import org.xmtpj.node.subscribe.StreamRefused;
import org.xmtpj.node.subscribe.SubscriptionHub;
import org.xmtpj.store.EnvelopePage;
import org.xmtpj.store.EnvelopeQuery;
import org.xmtpj.store.EventStore;
import org.xmtpj.store.StoredEnvelope;

/**
 * The semantics of {@code xmtp.message_api.v1.MessageApi}, shared by the gRPC service and the HTTP gateway so
 * that both transports behave identically. Transports only decode, call, and encode.
 */
public final class MessageApiCore {
  /**
   * Heap an answer holds per stored byte at its peak, while it is built and sent: the page, its protobuf, and for
   * HTTP the JSON text (base64 messages: 4/3 per byte) in a growing builder, then as a string and as bytes.
   */
  static final int HEAP_PER_STORED_BYTE = 6;
  /** Heap per envelope beyond its message: objects, topic and cursor. */
  static final int HEAP_PER_ENVELOPE = 512;
  /** How long a request waits for room in the in-flight budget before it is refused as busy. */
  public static final java.time.Duration BUSY_WAIT = java.time.Duration.ofSeconds(2);

  private final AuthTokenValidator auth;
  private final Publisher publisher;
  private final EventStore store;
  private final SubscriptionHub hub;
  private final RequestValidator validator;
  private final ApiLimits limits;
  private final RateLimiter rateLimiter;
  private final MemoryBudget inFlight;

  public MessageApiCore(AuthTokenValidator auth, Publisher publisher, EventStore store, SubscriptionHub hub,
      ApiLimits limits, RateLimiter rateLimiter) {
    this.auth = auth;
    this.rateLimiter = rateLimiter;
    this.publisher = publisher;
    this.store = store;
    this.hub = hub;
    this.limits = limits;
    this.validator = new RequestValidator(limits);
    this.inFlight = new MemoryBudget("limits.maxInFlightBytes", limits.maxInFlightBytes());
  }

  public ApiLimits limits() {
    return limits;
  }

  /** The node-wide budget of heap held by client requests in progress (bodies being read, answers being sent). */
  public MemoryBudget inFlight() {
    return inFlight;
  }

  /**
   * What one request holds of {@link #inFlight}; the transport closes it once the answer has left (an answer still
   * being written to a slow reader keeps its bytes).
   */
  public MemoryBudget.Lease lease() {
    return inFlight.lease();
  }

  /** The refusal of a request that found no room in the in-flight budget: RESOURCE_EXHAUSTED / 429. */
  public static ApiException busy(MemoryBudget.BudgetExhausted e) {
    return new ApiException(ErrorCode.RESOURCE_EXHAUSTED, "node_busy", e.getMessage());
  }

  /**
   * Authenticates, checks every envelope and every topic permission before storing any, then stores all of them
   * (ephemeral topics are only relayed). The future completes when the stored ones are durable.
   */
  public CompletableFuture<Void> publish(String authorization, PublishRequest request) {
    AuthenticatedWallet wallet = authenticate(authorization);
    List<ClientEnvelope> envelopes = validator.envelopes(request.getEnvelopesList());
    for (ClientEnvelope e : envelopes) {
      if (TopicRules.isNodeReserved(e.contentTopic())) {
        throw new ApiException(ErrorCode.PERMISSION_DENIED, "reserved_topic",
            "topic " + e.contentTopic() + " is reserved for nodes (checkpoint signatures); clients may only read it");
      }
      String owner = TopicRules.restrictedOwner(e.contentTopic());
      if (owner != null && !owner.equals(wallet.walletAddress())) {
        throw new ApiException(ErrorCode.PERMISSION_DENIED, "restricted_topic",
            "publishing to restricted topic " + e.contentTopic() + " is allowed only for its owner " + owner);
      }
    }
    // a valid request only: what it would store counts against the wallet (the address was charged already)
    rateLimiter.checkWallet(wallet.walletAddress(), envelopes.size(),
        envelopes.stream().mapToLong(e -> e.messageView().length).sum());
    List<ClientEnvelope> durable = new ArrayList<>();
    List<StoredEnvelope> ephemeral = new ArrayList<>();
    boolean owned = false;
    for (ClientEnvelope e : envelopes) {
      if (TopicRules.isEphemeral(e.contentTopic())) {
        ephemeral.add(new StoredEnvelope(0, e));
      } else {
        durable.add(e);
        owned |= TopicRules.restrictedOwner(e.contentTopic()) != null;
      }
    }
    hub.relay(ephemeral);
    // only owner-only envelopes carry the token into their events: on every other topic nothing names the sender
    byte[] token = owned ? AuthTokenValidator.tokenBytes(authorization) : null;
    return durable.isEmpty() ? CompletableFuture.completedFuture(null) : publisher.publish(durable, token);
  }

  private AuthenticatedWallet authenticate(String authorization) {
    try {
      return auth.validate(authorization);
    } catch (AuthException e) {
      throw new ApiException(ErrorCode.UNAUTHENTICATED, "auth_" + e.reason().name().toLowerCase(),
          e.getMessage());
    }
  }

  /**
   * One page; it ends early, with a cursor, where the response budget ({@link ApiLimits#maxResponseBytes}) does.
   * The page's heap is booked on {@code lease}, which the caller closes once the answer has been sent.
   */
  public QueryResponse query(QueryRequest request, MemoryBudget.Lease lease) {
    EnvelopeQuery query = validator.query(request);
    return response(query, read(query, lease));
  }

  /**
   * Books room for the largest page the query could return before reading it (waiting up to {@link #BUSY_WAIT}),
   * then gives back what the page did not need. Only waiting for room without booking it let every request that
   * found the budget empty read at once (200 concurrent 4 MiB pages ran a 384 MiB node out of heap in CI): the
   * bytes being read must be booked as well as the ones being sent.
   */
  private EnvelopePage read(EnvelopeQuery q, MemoryBudget.Lease lease) {
    long largest = Math.min(q.maxBytes() + limits.maxMessageBytes(),
        (long) q.limit() * (limits.maxMessageBytes() + limits.maxTopicChars()));
    long before = lease.held();
    try {
      lease.add(heap(largest, q.limit()), BUSY_WAIT);
    } catch (MemoryBudget.BudgetExhausted e) {
      throw busy(e);
    }
    EnvelopePage page;
    try {
      page = store.query(q);
    } catch (RuntimeException e) {
      lease.shrinkTo(before);
      throw e;
    }
    lease.shrinkTo(before + heap(page.bytes(), page.envelopes().size()));
    return page;
  }

  private static long heap(long storedBytes, int envelopes) {
    return storedBytes * HEAP_PER_STORED_BYTE + (long) envelopes * HEAP_PER_ENVELOPE;
  }

  private static QueryResponse response(EnvelopeQuery query, EnvelopePage page) {
    QueryResponse.Builder out = QueryResponse.newBuilder();
    for (ClientEnvelope e : page.envelopes()) {
      out.addEnvelopes(toProto(e));
    }
    SortDirection direction = query.direction() == org.xmtpj.dag.SortDirection.ASCENDING
        ? SortDirection.SORT_DIRECTION_ASCENDING : SortDirection.SORT_DIRECTION_DESCENDING;
    PagingInfo.Builder paging = PagingInfo.newBuilder().setDirection(direction);
    if (page.next() != null) {
      paging.setLimit(query.limit()).setCursor(Cursor.newBuilder().setIndex(IndexCursor.newBuilder()
          .setDigest(ByteString.copyFrom(page.next().digest()))
          .setSenderTimeNs(page.next().timestampNs())));
    }
    return out.setPagingInfo(paging).build();
  }

  /**
   * Validates the whole batch first, so that a bad entry fails the batch before any work is done. The answers share
   * one response budget, in order, and each must fit whole: xmtp-js takes a batch's envelopes and never follows a
   * cursor, so an answer cut short would read as all there is. A batch that does not fit fails
   * (RESOURCE_EXHAUSTED, {@code response_too_large}) as soon as the budget is passed, having read at most one
   * envelope beyond it; its queries can be paged one by one with /message/v1/query.
   */
  public BatchQueryResponse batchQuery(BatchQueryRequest request, MemoryBudget.Lease lease) {
    if (request.getRequestsCount() > limits.maxBatchQueries()) {
      throw ApiException.invalid("batch_too_large", "batch carries " + request.getRequestsCount()
          + " queries; at most " + limits.maxBatchQueries() + " are allowed");
    }
    List<EnvelopeQuery> queries = new ArrayList<>();
    for (int i = 0; i < request.getRequestsCount(); i++) {
      try {
        queries.add(validator.query(request.getRequests(i)));
      } catch (ApiException e) {
        throw new ApiException(e.code(), e.reason(), "requests[" + i + "]: " + e.getMessage());
      }
    }
    BatchQueryResponse.Builder out = BatchQueryResponse.newBuilder();
    long left = limits.maxResponseBytes();
    for (int i = 0; i < queries.size(); i++) {
      EnvelopeQuery q = queries.get(i);
      EnvelopePage page = left > 0 ? read(q.withMaxBytes(left), lease) : null;
      boolean cut = page == null || page.bytes() > left
          || (page.next() != null && page.envelopes().size() < q.limit());
      if (cut) {
        throw new ApiException(ErrorCode.RESOURCE_EXHAUSTED, "response_too_large", "requests[0.." + i + "] hold "
            + "more than the " + limits.maxResponseBytes() + "-byte response budget (limits.maxResponseBytes); send "
            + "fewer queries in a batch, or page through requests[" + i + "] with /message/v1/query");
      }
      out.addResponses(response(q, page));
      left -= page.bytes();
    }
    return out.build();
  }

  /**
   * A subscription of {@code client} to the given topics ({@code null}: every {@code /xmtp/} topic, as
   * SubscribeAll), within the stream limits.
   *
   * @param transport the metrics label of the API it came through
   */
  public Subscription subscribe(String client, List<String> topics, EnvelopeSink sink, String transport) {
    return open(admit(client, topics), sink, transport);
  }

  /**
   * Validates the topics and books room for the stream (see {@link SubscriptionHub#admit}), for a transport that
   * must answer before the stream opens.
   *
   * @throws ApiException RESOURCE_EXHAUSTED when a stream limit would be passed
   */
  public SubscriptionHub.Admission admit(String client, List<String> topics) {
    Set<String> set = topics == null ? null : new HashSet<>(validator.subscriptionTopics(topics));
    try {
      return hub.admit(client, set);
    } catch (StreamRefused e) {
      throw new ApiException(ErrorCode.RESOURCE_EXHAUSTED, e.reason(), e.getMessage());
    }
  }

  /** Opens an admitted stream; a SubscribeAll stream carries {@code /xmtp/} topics only. */
  public Subscription open(SubscriptionHub.Admission admission, EnvelopeSink sink, String transport) {
    return hub.open(admission, admission.allTopics() ? new XmtpTopicsOnly(sink) : sink, transport);
  }

  /**
   * Replaces a stream's topics (gRPC Subscribe2).
   *
   * @throws ApiException RESOURCE_EXHAUSTED when the new set would pass a topic limit (the subscription keeps its
   *     old set; the gRPC transport then ends the stream with that status)
   */
  public void changeTopics(Subscription s, List<String> topics) {
    try {
      s.changeTopics(validateTopics(topics));
    } catch (StreamRefused e) {
      throw new ApiException(ErrorCode.RESOURCE_EXHAUSTED, e.reason(), e.getMessage());
    }
  }

  public Set<String> validateTopics(List<String> topics) {
    return new HashSet<>(validator.subscriptionTopics(topics));
  }

  public static Envelope toProto(ClientEnvelope e) {
    return Envelope.newBuilder().setContentTopic(e.contentTopic()).setTimestampNs(e.timestampNs())
        .setMessage(ByteString.copyFrom(e.messageView())).build();
  }

  /** SubscribeAll covers {@code /xmtp/} topics only, as node-go does. */
  private record XmtpTopicsOnly(EnvelopeSink sink) implements EnvelopeSink {
    @Override
    public void send(ClientEnvelope envelope) throws java.io.IOException {
      if (envelope.contentTopic().startsWith("/xmtp/")) {
        sink.send(envelope);
      }
    }

    @Override
    public void keepAlive() throws java.io.IOException {
      sink.keepAlive();
    }

    @Override
    public void fail(String reason) {
      sink.fail(reason);
    }

    @Override
    public void closed() {
      sink.closed();
    }
  }
}
