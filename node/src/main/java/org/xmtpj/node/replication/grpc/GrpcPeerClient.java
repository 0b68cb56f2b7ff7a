package org.xmtpj.node.replication.grpc;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.node.replication.AncestorsRequest;
import org.xmtpj.node.replication.EventsReply;
import org.xmtpj.node.replication.Membership;
import org.xmtpj.node.replication.PeerClient;
import org.xmtpj.node.replication.PeerException;
import org.xmtpj.node.replication.PeerInfo;
import org.xmtpj.node.replication.ReplicationLimits;
import org.xmtpj.node.replication.VectorReply;
import org.xmtpj.proto.replication.v1.EventsResponse;
import org.xmtpj.proto.replication.v1.GetAncestorsRequest;
import org.xmtpj.proto.replication.v1.GetBucketRequest;
import org.xmtpj.proto.replication.v1.GetBucketsRequest;
import org.xmtpj.proto.replication.v1.GetBucketsResponse;
import org.xmtpj.proto.replication.v1.GetEventsRequest;
import org.xmtpj.proto.replication.v1.GetHeadsRequest;
import org.xmtpj.proto.replication.v1.GetHeadsResponse;
import org.xmtpj.proto.replication.v1.GetOriginRangeRequest;
import org.xmtpj.proto.replication.v1.GetTopicRangeRequest;
import org.xmtpj.proto.replication.v1.GetVectorRequest;
import org.xmtpj.proto.replication.v1.GetVectorResponse;
import org.xmtpj.proto.replication.v1.HandshakeRequest;
import org.xmtpj.proto.replication.v1.HandshakeResponse;
import org.xmtpj.proto.replication.v1.ListTopicsRequest;
import org.xmtpj.proto.replication.v1.PushRequest;
import org.xmtpj.proto.replication.v1.PushResponse;
import org.xmtpj.proto.replication.v1.ReplicationGrpc;
import org.xmtpj.proto.replication.v1.ReplicationGrpc.ReplicationStub;
import org.xmtpj.proto.replication.v1.TopicsResponse;
import org.xmtpj.store.TopicSummary;

/**
 * One peer over one channel. The handshake runs lazily before the first call and is shared by concurrent calls; a
 * call answered UNAUTHENTICATED (the session expired, or the peer restarted) handshakes again once and is retried.
 * Each call has the configured deadline. Answers are checked (key lengths, counts within what was asked) and
 * anything malformed fails the call with PROTOCOL.
 */
final class GrpcPeerClient implements PeerClient, AutoCloseable {

  /** An authenticated session: the verified peer key and a stub that sends the session header. */
  private static final Logger LOG = LoggerFactory.getLogger(GrpcPeerClient.class);

  private record Session(OriginKey key, ReplicationStub stub) {}

  private final PeerInfo peer;
  private final ManagedChannel channel;
  private final ReplicationStub stub;
  private final PeerAuth auth;
  private final Membership membership;
  private final Duration timeout;
  private final ReplicationLimits limits;
  private CompletableFuture<Session> session; // guarded by this
  private volatile OriginKey verifiedKey;

  GrpcPeerClient(PeerInfo peer, ManagedChannel channel, PeerAuth auth, Membership membership, Duration timeout,
      ReplicationLimits limits) {
    this.peer = peer;
    this.channel = channel;
    this.stub = ReplicationGrpc.newStub(channel);
    this.auth = auth;
    this.membership = membership;
    this.timeout = timeout;
    this.limits = limits;
  }

  /**
   * The pinned key at once; for an unpinned peer the key verified by the handshake, which this call performs
   * (blocking up to twice the call timeout) if no call has completed one yet.
   *
   * @throws PeerException if the handshake fails
   */
  @Override
  public OriginKey peerKey() {
    if (peer.key() != null) {
      return peer.key();
    }
    OriginKey known = verifiedKey;
    if (known != null) {
      return known;
    }
    try {
      return session().get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS).key();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PeerException(PeerException.Kind.UNAVAILABLE, "interrupted during handshake with " + peer.address());
    } catch (ExecutionException e) {
      throw CallErrors.map(peer, "Handshake", e, false);
    } catch (TimeoutException e) {
      throw new PeerException(PeerException.Kind.UNAVAILABLE, "handshake with " + peer.address() + " timed out");
    }
  }

  @Override
  public CompletableFuture<Void> push(List<byte[]> events) {
    PushRequest r = PushRequest.newBuilder().addAllEvents(ProtoCodec.rawBytes(events)).build();
    return this.<PushResponse, Void>call("Push", true, (s, o) -> s.push(r, o), a -> null);
  }

  @Override
  public CompletableFuture<VectorReply> vector() {
    GetVectorRequest r = GetVectorRequest.getDefaultInstance();
    return this.<GetVectorResponse, VectorReply>call("GetVector", false, (s, o) -> s.getVector(r, o),
        a -> ProtoCodec.vector(a, limits.maxVectorOrigins()));
  }

  @Override
  public CompletableFuture<EventsReply> originRange(OriginKey origin, long fromSeq, int maxEvents, long maxBytes) {
    GetOriginRangeRequest r = GetOriginRangeRequest.newBuilder().setOrigin(ProtoCodec.bytes(origin.bytes()))
        .setFromSeq(fromSeq).setMaxEvents(maxEvents).setMaxBytes(maxBytes).build();
    return this.<EventsResponse, EventsReply>call("GetOriginRange", false, (s, o) -> s.getOriginRange(r, o),
        a -> ProtoCodec.events(a, maxEvents));
  }

  @Override
  public CompletableFuture<EventsReply> ancestors(AncestorsRequest request) {
    GetAncestorsRequest r = ProtoCodec.ancestors(request);
    return this.<EventsResponse, EventsReply>call("GetAncestors", false, (s, o) -> s.getAncestors(r, o),
        a -> ProtoCodec.events(a, request.maxEvents()));
  }

  @Override
  public CompletableFuture<EventsReply> events(List<EventId> ids) {
    GetEventsRequest r = GetEventsRequest.newBuilder().addAllIds(ProtoCodec.idBytes(ids)).build();
    return this.<EventsResponse, EventsReply>call("GetEvents", false, (s, o) -> s.getEvents(r, o),
        a -> ProtoCodec.events(a, ids.size()));
  }

  @Override
  public CompletableFuture<List<TopicSummary>> topics(TopicKey after, int limit) {
    ListTopicsRequest.Builder b = ListTopicsRequest.newBuilder().setLimit(limit);
    if (after != null) {
      b.setAfter(ProtoCodec.bytes(after.bytes()));
    }
    ListTopicsRequest r = b.build();
    return this.<TopicsResponse, List<TopicSummary>>call("ListTopics", false, (s, o) -> s.listTopics(r, o),
        a -> ProtoCodec.topics(a, limit));
  }

  @Override
  public CompletableFuture<EventsReply> topicRange(TopicKey topic, long afterRow, int maxEvents, long maxBytes) {
    GetTopicRangeRequest r = GetTopicRangeRequest.newBuilder().setTopic(ProtoCodec.bytes(topic.bytes()))
        .setAfterRow(afterRow).setMaxEvents(maxEvents).setMaxBytes(maxBytes).build();
    return this.<EventsResponse, EventsReply>call("GetTopicRange", false, (s, o) -> s.getTopicRange(r, o),
        a -> ProtoCodec.events(a, maxEvents));
  }

  @Override
  public CompletableFuture<byte[][]> buckets() {
    GetBucketsRequest r = GetBucketsRequest.getDefaultInstance();
    return this.<GetBucketsResponse, byte[][]>call("GetBuckets", false, (s, o) -> s.getBuckets(r, o),
        ProtoCodec::buckets);
  }

  @Override
  public CompletableFuture<List<TopicSummary>> bucket(int bucket) {
    GetBucketRequest r = GetBucketRequest.newBuilder().setBucket(bucket).build();
    // a bucket is not paged: its size is bounded by the frame limit only
    return this.<TopicsResponse, List<TopicSummary>>call("GetBucket", false, (s, o) -> s.getBucket(r, o),
        a -> ProtoCodec.topics(a, Integer.MAX_VALUE));
  }

  @Override
  public CompletableFuture<Map<TopicKey, List<EventId>>> heads(List<TopicKey> topics) {
    GetHeadsRequest r = GetHeadsRequest.newBuilder()
        .addAllTopics(topics.stream().map(t -> ProtoCodec.bytes(t.bytes())).toList()).build();
    return this.<GetHeadsResponse, Map<TopicKey, List<EventId>>>call("GetHeads", false,
        (s, o) -> s.getHeads(r, o), a -> ProtoCodec.heads(a, topics));
  }

  /** Session, call, one re-handshake on UNAUTHENTICATED, error mapping, decoding: the path of every rpc. */
  private <R, T> CompletableFuture<T> call(String rpc, boolean largeRequest,
      BiConsumer<ReplicationStub, StreamObserver<R>> invoke, Function<R, T> decode) {
    CompletableFuture<T> result = new CompletableFuture<>();
    session()
        .thenCompose(s -> attempt(s, invoke).exceptionallyCompose(e ->
            CallErrors.code(e) == Status.Code.UNAUTHENTICATED
                ? renew(s).thenCompose(fresh -> attempt(fresh, invoke)) : CompletableFuture.failedFuture(e)))
        .whenComplete((answer, error) -> {
          if (error != null) {
            result.completeExceptionally(CallErrors.map(peer, rpc, error, largeRequest));
            return;
          }
          try {
            result.complete(decode.apply(answer));
          } catch (RuntimeException e) {
            result.completeExceptionally(CallErrors.map(peer, rpc, e, largeRequest));
          }
        });
    return result;
  }

  private <R> CompletableFuture<R> attempt(Session s, BiConsumer<ReplicationStub, StreamObserver<R>> invoke) {
    Unary<R> observer = new Unary<>();
    invoke.accept(s.stub().withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS), observer);
    return observer.future;
  }

  private synchronized CompletableFuture<Session> session() {
    if (session == null || session.isCompletedExceptionally()) {
      session = handshake();
    }
    return session;
  }

  /** Drops {@code stale} unless another caller already replaced it, then returns the (new) session. */
  private synchronized CompletableFuture<Session> renew(Session stale) {
    if (session != null && session.getNow(null) == stale) {
      session = null;
    }
    return session();
  }

  private CompletableFuture<Session> handshake() {
    HandshakeRequest hello = auth.hello(peer.key());
    Unary<HandshakeResponse> observer = new Unary<>();
    stub.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS).handshake(hello, observer);
    return observer.future.handle((welcome, error) -> {
      if (error != null) {
        OriginKey proved = peer.key() == null ? auth.keyFromRefusal(hello, CallErrors.unwrap(error)) : null;
        if (proved != null) {
          learnFromRefusal(proved);
        }
        throw CallErrors.map(peer, "Handshake", error, false);
      }
      OriginKey key = auth.verifyWelcome(hello, welcome, peer.key());
      if (peer.key() == null && !membership.learned(peer, key)) {
        throw new PeerException(PeerException.Kind.REFUSED, "peer " + peer.address() + " presented node key "
            + key.hex() + ", which this node refuses to learn (see its log); pin the peer's key");
      }
      verifiedKey = key;
      Metadata headers = new Metadata();
      headers.put(SessionInterceptor.SESSION_HEADER, HexFormat.of().formatHex(welcome.getSessionId().toByteArray()));
      return new Session(key, stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers)));
    });
  }

  /**
   * The peer refused us but proved its key: remember it, so that it is an allowed peer when it dials us (and
   * then it learns ours); our next handshake succeeds. Said once per key, since it is normal while two unpinned
   * nodes meet, and a misconfiguration (the peer does not list us) if it lasts.
   */
  private void learnFromRefusal(OriginKey key) {
    membership.learned(peer, key);
    if (!key.equals(verifiedKey)) {
      verifiedKey = key;
      LOG.info("peer {} (node {}) does not accept this node yet; it will once it has dialled us (it must list this"
          + " node among its peers)", peer.address(), key.hex());
    }
  }

  @Override
  public OriginKey knownKey() {
    return peer.key() != null ? peer.key() : verifiedKey;
  }

  /** Releases the channel; calls still running fail with UNAVAILABLE. */
  @Override
  public void close() {
    channel.shutdown();
    try {
      if (!channel.awaitTermination(1, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      channel.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "GrpcPeerClient[" + peer.address() + "]";
  }

  /** Adapts a unary call's observer to a future. */
  private static final class Unary<R> implements StreamObserver<R> {
    final CompletableFuture<R> future = new CompletableFuture<>();
    private R value;

    @Override
    public void onNext(R v) {
      value = v;
    }

    @Override
    public void onError(Throwable t) {
      future.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
      if (value == null) {
        future.completeExceptionally(new IllegalArgumentException("empty answer"));
      } else {
        future.complete(value);
      }
    }
  }
}
