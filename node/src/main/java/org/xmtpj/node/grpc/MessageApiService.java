package org.xmtpj.node.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.xmtp.proto.message.api.v1.BatchQueryRequest;
import org.xmtp.proto.message.api.v1.BatchQueryResponse;
import org.xmtp.proto.message.api.v1.Envelope;
import org.xmtp.proto.message.api.v1.MessageApiGrpc;
import org.xmtp.proto.message.api.v1.PublishRequest;
import org.xmtp.proto.message.api.v1.PublishResponse;
import org.xmtp.proto.message.api.v1.QueryRequest;
import org.xmtp.proto.message.api.v1.QueryResponse;
import org.xmtp.proto.message.api.v1.SubscribeAllRequest;
import org.xmtp.proto.message.api.v1.SubscribeRequest;
import org.xmtpj.node.api.ApiException;
import org.xmtpj.node.api.ErrorCode;
import org.xmtpj.node.api.MessageApiCore;
import org.xmtpj.node.budget.MemoryBudget;
import org.xmtpj.node.metrics.NodeMetrics;
import org.xmtpj.node.ratelimit.RateLimiter;
import org.xmtpj.node.subscribe.Subscription;

/** {@code xmtp.message_api.v1.MessageApi} over gRPC, on the same core as the HTTP gateway. */
final class MessageApiService extends MessageApiGrpc.MessageApiImplBase {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MessageApiService.class);
  private static final String TRANSPORT = "grpc";

  private final MessageApiCore core;
  private final RateLimiter rateLimiter;
  private final NodeMetrics metrics;

  MessageApiService(MessageApiCore core, RateLimiter rateLimiter, NodeMetrics metrics) {
    this.core = core;
    this.rateLimiter = rateLimiter;
    this.metrics = metrics;
  }

  @Override
  public void publish(PublishRequest request, StreamObserver<PublishResponse> out) {
    long start = System.nanoTime();
    try {
      rateLimiter.checkPublish(CallContext.client(), Math.max(1, request.getEnvelopesCount()));
      core.publish(CallContext.authorization(), request).whenComplete((ok, failure) -> {
        if (failure == null) {
          metrics.envelopesPublished(request.getEnvelopesCount());
          metrics.request("publish", TRANSPORT, System.nanoTime() - start);
          out.onNext(PublishResponse.getDefaultInstance());
          out.onCompleted();
        } else {
          out.onError(toStatus("publish", failure instanceof java.util.concurrent.CompletionException c
              ? c.getCause() : failure));
        }
      });
    } catch (RuntimeException e) {
      out.onError(toStatus("publish", e));
    }
  }

  @Override
  public void query(QueryRequest request, StreamObserver<QueryResponse> out) {
    long start = System.nanoTime();
    try {
      rateLimiter.checkRequest(CallContext.client(), 1);
      out.onNext(core.query(request, leaseUntilClosed(out)));
      out.onCompleted();
      metrics.request("query", TRANSPORT, System.nanoTime() - start);
    } catch (RuntimeException e) {
      out.onError(toStatus("query", e));
    }
  }

  @Override
  public void batchQuery(BatchQueryRequest request, StreamObserver<BatchQueryResponse> out) {
    long start = System.nanoTime();
    try {
      rateLimiter.checkRequest(CallContext.client(), Math.max(1, request.getRequestsCount()));
      out.onNext(core.batchQuery(request, leaseUntilClosed(out)));
      out.onCompleted();
      metrics.request("batch_query", TRANSPORT, System.nanoTime() - start);
    } catch (RuntimeException e) {
      out.onError(toStatus("batch_query", e));
    }
  }

  @Override
  public void subscribe(SubscribeRequest request, StreamObserver<Envelope> out) {
    try {
      rateLimiter.checkRequest(CallContext.client(), 1);
      ServerCallStreamObserver<Envelope> call = (ServerCallStreamObserver<Envelope>) out;
      Subscription s = core.subscribe(CallContext.client(), request.getContentTopicsList(), new GrpcStreamSink(call),
          TRANSPORT);
      call.setOnCancelHandler(s::close);
      metrics.request("subscribe", TRANSPORT, 0);
    } catch (RuntimeException e) {
      out.onError(toStatus("subscribe", e));
    }
  }

  @Override
  public void subscribeAll(SubscribeAllRequest request, StreamObserver<Envelope> out) {
    try {
      rateLimiter.checkRequest(CallContext.client(), 1);
      ServerCallStreamObserver<Envelope> call = (ServerCallStreamObserver<Envelope>) out;
      Subscription s = core.subscribe(CallContext.client(), null, new GrpcStreamSink(call), TRANSPORT);
      call.setOnCancelHandler(s::close);
      metrics.request("subscribe_all", TRANSPORT, 0);
    } catch (RuntimeException e) {
      out.onError(toStatus("subscribe_all", e));
    }
  }

  /**
   * Each request replaces the topic set; the first one opens the subscription. Once the node has ended the stream
   * (a refused request), later requests are ignored: gRPC may still deliver them, and a subscription opened for
   * one would sit on a closed call that no cancel will ever close, holding its places for good.
   */
  @Override
  public StreamObserver<SubscribeRequest> subscribe2(StreamObserver<Envelope> out) {
    ServerCallStreamObserver<Envelope> call = (ServerCallStreamObserver<Envelope>) out;
    String client = CallContext.client();
    // gRPC only accepts ready/cancel handlers during this first call, so the sink must exist now
    GrpcStreamSink sink = new GrpcStreamSink(call);
    AtomicReference<Subscription> current = new AtomicReference<>();
    AtomicBoolean ended = new AtomicBoolean();
    Runnable end = () -> {
      ended.set(true);
      Subscription s = current.get();
      if (s != null) {
        s.close();
      }
    };
    call.setOnCancelHandler(end);
    return new StreamObserver<>() {
      @Override
      public synchronized void onNext(SubscribeRequest request) {
        if (ended.get()) {
          return;
        }
        try {
          rateLimiter.checkRequest(client, 1);
          Subscription s = current.get();
          if (s == null) {
            current.set(core.subscribe(client, request.getContentTopicsList(), sink, TRANSPORT));
            if (ended.get()) { // cancelled while it opened: the cancel handler may have missed it
              current.get().close();
            }
          } else {
            core.changeTopics(s, request.getContentTopicsList());
          }
        } catch (RuntimeException e) {
          end.run();
          out.onError(toStatus("subscribe2", e));
        }
      }

      @Override
      public void onError(Throwable t) {
        end.run();
      }

      @Override
      public void onCompleted() {
        end.run();
      }
    };
  }

  /**
   * A lease on the node's in-flight budget that lasts until the call has ended: an answer queued for a client that
   * reads slowly still holds its heap, so its bytes stay booked until gRPC has sent them or the call is cancelled.
   */
  private MemoryBudget.Lease leaseUntilClosed(StreamObserver<?> out) {
    MemoryBudget.Lease lease = core.lease();
    ServerCallStreamObserver<?> call = (ServerCallStreamObserver<?>) out;
    call.setOnCloseHandler(lease::close);
    call.setOnCancelHandler(lease::close);
    return lease;
  }

  private StatusRuntimeException toStatus(String method, Throwable t) {
    if (t instanceof org.xmtpj.store.StoreDamagedException d) {
      t = ApiException.storeDamaged(d);
    }
    if (t instanceof ApiException e) {
      metrics.rejected(method, e.reason());
      return GrpcErrors.toStatus(e);
    }
    metrics.rejected(method, "internal");
    LOG.error("{} failed", method, t);
    return Status.INTERNAL.withDescription("internal error").withCause(t).asRuntimeException();
  }

  static ApiException unimplemented(String what) {
    return new ApiException(ErrorCode.UNIMPLEMENTED, "unimplemented", what + " is not implemented");
  }
}
