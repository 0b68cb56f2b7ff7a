package org.xmtpj.client;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.xmtp.proto.message.api.v1.BatchQueryRequest;
import org.xmtp.proto.message.api.v1.BatchQueryResponse;
import org.xmtp.proto.message.api.v1.Envelope;
import org.xmtp.proto.message.api.v1.MessageApiGrpc;
import org.xmtp.proto.message.api.v1.PublishRequest;
import org.xmtp.proto.message.api.v1.QueryRequest;
import org.xmtp.proto.message.api.v1.QueryResponse;
import org.xmtp.proto.message.api.v1.SubscribeRequest;

/** The node's gRPC MessageApi. */
final class GrpcTransport implements ApiTransport {
  /** A page may hold 100 envelopes of up to 1 MiB each. */
  static final int MAX_INBOUND_BYTES = 128 * 1024 * 1024;
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> CLIENT_VERSION =
      Metadata.Key.of("x-client-version", Metadata.ASCII_STRING_MARSHALLER);

  private final String target;
  private final ManagedChannel channel;
  private final Duration callTimeout;

  GrpcTransport(String target, boolean tls, Duration callTimeout) {
    this.target = target;
    this.callTimeout = callTimeout;
    this.channel = Grpc.newChannelBuilder(target,
            tls ? TlsChannelCredentials.create() : InsecureChannelCredentials.create())
        .maxInboundMessageSize(MAX_INBOUND_BYTES)
        .userAgent(HttpTransport.CLIENT_VERSION)
        .build();
  }

  private MessageApiGrpc.MessageApiBlockingStub stub(String authorization) {
    Metadata headers = new Metadata();
    headers.put(CLIENT_VERSION, HttpTransport.CLIENT_VERSION);
    if (authorization != null) {
      headers.put(AUTHORIZATION, authorization);
    }
    return MessageApiGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void publish(List<Envelope> envelopes, String authorization) {
    try {
      stub(authorization).publish(PublishRequest.newBuilder().addAllEnvelopes(envelopes).build());
    } catch (StatusRuntimeException e) {
      throw translate("publish", e.getStatus());
    }
  }

  @Override
  public QueryResponse query(QueryRequest request) {
    try {
      return stub(null).query(request);
    } catch (StatusRuntimeException e) {
      throw translate("query", e.getStatus());
    }
  }

  @Override
  public BatchQueryResponse batchQuery(BatchQueryRequest request) {
    try {
      return stub(null).batchQuery(request);
    } catch (StatusRuntimeException e) {
      throw translate("batch-query", e.getStatus());
    }
  }

  @Override
  public org.xmtpj.proto.checkpoint.v1.InclusionProofResponse inclusionProof(
      org.xmtpj.proto.checkpoint.v1.InclusionProofRequest request) {
    try {
      return org.xmtpj.proto.checkpoint.v1.CheckpointApiGrpc.newBlockingStub(channel)
          .withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS).getInclusionProof(request);
    } catch (StatusRuntimeException e) {
      throw translate("inclusion-proof", e.getStatus());
    }
  }

  XmtpException translate(String call, Status status) {
    Status.Code code = status.getCode();
    if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED) {
      boolean connectFailure = status.getCause() != null || code == Status.Code.DEADLINE_EXCEEDED;
      if (connectFailure) {
        return new XmtpException(XmtpException.Kind.NODE_UNREACHABLE, code.value(), "cannot reach the node at "
            + target + " over gRPC (" + code + (status.getDescription() == null ? "" : ": "
            + status.getDescription()) + "); is it running and is the address right?", status.asRuntimeException());
      }
    }
    return new XmtpException(XmtpException.Kind.NODE_REJECTED, code.value(),
        "node refused " + call + " (" + code + "): " + status.getDescription(), status.asRuntimeException());
  }

  /**
   * Uses a raw call so the listener learns when response headers arrive: the node sends them once the subscription
   * is registered, which is the moment from which nothing published can be missed.
   */
  @Override
  public Subscription subscribe(List<String> topics, Listener listener) {
    ClientCall<SubscribeRequest, Envelope> call =
        channel.newCall(MessageApiGrpc.getSubscribeMethod(), CallOptions.DEFAULT);
    AtomicBoolean closed = new AtomicBoolean();
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onHeaders(Metadata headers) {
        listener.onOpen();
      }

      @Override
      public void onMessage(Envelope envelope) {
        if (!envelope.getMessage().isEmpty()) {
          listener.onEnvelope(envelope);
        }
        call.request(1);
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        if (!closed.get()) {
          listener.onClosed(status.isOk() ? null : translate("subscribe", status));
        }
      }
    }, new Metadata());
    call.sendMessage(SubscribeRequest.newBuilder().addAllContentTopics(topics).build());
    call.halfClose();
    call.request(1);
    return () -> {
      if (closed.compareAndSet(false, true)) {
        call.cancel("unsubscribed", null);
      }
    };
  }

  @Override
  public String endpoint() {
    return "grpc://" + target;
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
