package org.xmtpj.node.replication.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import com.google.protobuf.MessageLite;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.node.replication.Membership;
import org.xmtpj.node.replication.PeerException;
import org.xmtpj.node.replication.ReplicationHandler;
import org.xmtpj.node.replication.ReplicationLimits;
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
import org.xmtpj.proto.replication.v1.TopicsResponse;

/**
 * The Replication rpcs: check the request against the limits, call the {@link ReplicationHandler} with the peer
 * key the {@link SessionInterceptor} authenticated, encode the answer. Runs on the server's virtual threads, so
 * the blocking handler is fine here.
 */
final class ReplicationService extends ReplicationGrpc.ReplicationImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicationService.class);

  private final ReplicationHandler handler;
  private final RequestChecks checks;
  private final PeerAuth auth;
  private final Membership membership;
  private final Sessions sessions;
  private final ServingBudget budget;
  private final ReplyBounds bounds;

  ReplicationService(ReplicationHandler handler, RequestChecks checks, PeerAuth auth, Membership membership,
      Sessions sessions, ReplicationLimits limits) {
    this.budget = new ServingBudget(limits);
    this.bounds = ReplyBounds.of(limits);
    this.handler = handler;
    this.checks = checks;
    this.auth = auth;
    this.membership = membership;
    this.sessions = sessions;
  }

  @Override
  public void handshake(HandshakeRequest r, StreamObserver<HandshakeResponse> out) {
    serve("Handshake", out, () -> {
      try {
        return auth.welcome(r, membership, sessions);
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.PERMISSION_DENIED) {
          handler.refusedHandshake();
        }
        throw e;
      }
    });
  }

  @Override
  public void push(PushRequest r, StreamObserver<PushResponse> out) {
    served("Push", out, bounds.empty(), () -> {
      checks.push(r);
      handler.push(peer(), ProtoCodec.raw(r.getEventsList()));
      return PushResponse.getDefaultInstance();
    });
  }

  @Override
  public void getVector(GetVectorRequest r, StreamObserver<GetVectorResponse> out) {
    served("GetVector", out, bounds.vector(), () -> ProtoCodec.vector(handler.vector(peer())));
  }

  @Override
  public void getOriginRange(GetOriginRangeRequest r, StreamObserver<EventsResponse> out) {
    served("GetOriginRange", out, bounds.data(), () -> {
      checks.originRange(r);
      return ProtoCodec.events(handler.originRange(peer(), ProtoCodec.origin(r.getOrigin()), r.getFromSeq(),
          r.getMaxEvents(), r.getMaxBytes()));
    });
  }

  @Override
  public void getAncestors(GetAncestorsRequest r, StreamObserver<EventsResponse> out) {
    served("GetAncestors", out, bounds.data(), () -> {
      checks.ancestors(r);
      return ProtoCodec.events(handler.ancestors(peer(), ProtoCodec.ancestors(r)));
    });
  }

  @Override
  public void getEvents(GetEventsRequest r, StreamObserver<EventsResponse> out) {
    served("GetEvents", out, bounds.data(), () -> {
      checks.events(r);
      return ProtoCodec.events(handler.events(peer(), ProtoCodec.ids(r.getIdsList())));
    });
  }

  @Override
  public void listTopics(ListTopicsRequest r, StreamObserver<TopicsResponse> out) {
    served("ListTopics", out, bounds.topicsPage(), () -> {
      checks.topics(r);
      var after = r.getAfter().isEmpty() ? null : ProtoCodec.topic(r.getAfter());
      return ProtoCodec.topics(handler.topics(peer(), after, r.getLimit()));
    });
  }

  @Override
  public void getTopicRange(GetTopicRangeRequest r, StreamObserver<EventsResponse> out) {
    served("GetTopicRange", out, bounds.data(), () -> {
      checks.topicRange(r);
      return ProtoCodec.events(handler.topicRange(peer(), ProtoCodec.topic(r.getTopic()), r.getAfterRow(),
          r.getMaxEvents(), r.getMaxBytes()));
    });
  }

  @Override
  public void getBuckets(GetBucketsRequest r, StreamObserver<GetBucketsResponse> out) {
    served("GetBuckets", out, bounds.buckets(), () -> ProtoCodec.buckets(handler.buckets(peer())));
  }

  @Override
  public void getBucket(GetBucketRequest r, StreamObserver<TopicsResponse> out) {
    served("GetBucket", out, bounds.data(), () -> {
      checks.bucket(r);
      return ProtoCodec.topics(handler.bucket(peer(), r.getBucket()));
    });
  }

  @Override
  public void getHeads(GetHeadsRequest r, StreamObserver<GetHeadsResponse> out) {
    served("GetHeads", out, bounds.data(), () -> {
      checks.heads(r);
      return ProtoCodec.heads(handler.heads(peer(), r.getTopicsList().stream().map(ProtoCodec::topic).toList()));
    });
  }

  private static OriginKey peer() {
    OriginKey peer = SessionInterceptor.PEER.get();
    if (peer == null) { // only reachable if the interceptor was not installed: fail closed
      throw Status.UNAUTHENTICATED.withDescription("no session").asRuntimeException();
    }
    return peer;
  }

  /**
   * Serves a peer's call within its {@link ServingBudget}: the call takes one of the peer's places and books room
   * for its largest reply before the handler reads anything, then holds what the built reply needs, and keeps both
   * until gRPC has finished sending it (or the call is cancelled).
   */
  private <T extends MessageLite> void served(String rpc, StreamObserver<T> out, long largestReply,
      Supplier<T> body) {
    ServingBudget.Call call;
    try {
      call = budget.enter(peer(), largestReply);
    } catch (StatusRuntimeException e) {
      out.onError(e);
      return;
    }
    ServerCallStreamObserver<T> server = (ServerCallStreamObserver<T>) out;
    server.setOnCloseHandler(call::close);
    server.setOnCancelHandler(call::close);
    serve(rpc, out, () -> {
      T answer = body.get();
      call.book(answer.getSerializedSize());
      return answer;
    });
  }

  /** The serving budget (for tests). */
  ServingBudget budget() {
    return budget;
  }

  private static <T> void serve(String rpc, StreamObserver<T> out, Supplier<T> body) {
    T answer;
    try {
      answer = body.get();
    } catch (StatusRuntimeException e) {
      out.onError(e);
      return;
    } catch (PeerException e) {
      out.onError(status(e).withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (RuntimeException e) {
      LOG.warn("replication {} from {} failed", rpc, SessionInterceptor.PEER.get(), e);
      out.onError(Status.INTERNAL.withDescription(rpc + " failed on the serving node").asRuntimeException());
      return;
    }
    out.onNext(answer);
    out.onCompleted();
  }

  static Status status(PeerException e) {
    return switch (e.kind()) {
      case INVALID, PROTOCOL -> Status.INVALID_ARGUMENT;
      case REFUSED -> Status.PERMISSION_DENIED;
      case UNAVAILABLE -> Status.UNAVAILABLE;
    };
  }
}
