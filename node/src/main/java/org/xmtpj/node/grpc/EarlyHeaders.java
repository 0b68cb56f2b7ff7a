package org.xmtpj.node.grpc;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Sends a server stream's response headers as soon as its handler returns, i.e. once the subscription is
 * registered, instead of with the first envelope. Clients take the headers as "subscribed": from then on nothing
 * published can be missed, which lets them fill a reconnect gap by query without a race.
 */
final class EarlyHeaders implements ServerInterceptor {

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    if (call.getMethodDescriptor().getType() != MethodDescriptor.MethodType.SERVER_STREAMING) {
      return next.startCall(call, headers);
    }
    OnceHeaders<Q, R> guarded = new OnceHeaders<>(call);
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(guarded, headers)) {
      @Override
      public void onHalfClose() {
        super.onHalfClose(); // server-streaming handlers run here
        guarded.sendHeadersIfNotYet();
      }
    };
  }

  /** Lets headers go out once, whoever sends them first (this interceptor or the first envelope). */
  private static final class OnceHeaders<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
    private boolean headersSent;
    private boolean closed;

    OnceHeaders(ServerCall<Q, R> call) {
      super(call);
    }

    @Override
    public synchronized void sendHeaders(Metadata headers) {
      if (!headersSent && !closed) {
        headersSent = true;
        super.sendHeaders(headers);
      }
    }

    @Override
    public synchronized void sendMessage(R message) {
      if (!headersSent) {
        headersSent = true;
        super.sendHeaders(new Metadata());
      }
      super.sendMessage(message);
    }

    @Override
    public synchronized void close(Status status, Metadata trailers) {
      closed = true;
      super.close(status, trailers);
    }

    synchronized void sendHeadersIfNotYet() {
      if (!closed && !isCancelled()) {
        sendHeaders(new Metadata());
      }
    }
  }
}
