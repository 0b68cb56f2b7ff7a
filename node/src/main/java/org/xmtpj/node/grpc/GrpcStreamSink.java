package org.xmtpj.node.grpc;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.io.IOException;
import org.xmtp.proto.message.api.v1.Envelope;
import org.xmtpj.dag.ClientEnvelope;
import org.xmtpj.node.api.MessageApiCore;
import org.xmtpj.node.subscribe.EnvelopeSink;

/**
 * A server stream. Writes wait for flow-control readiness, so a slow gRPC client backs up into the subscription's
 * queue (and from there into catch-up) instead of into unbounded transport buffers.
 */
final class GrpcStreamSink implements EnvelopeSink {
  private final ServerCallStreamObserver<Envelope> call;
  private final Object readyLock = new Object();

  GrpcStreamSink(ServerCallStreamObserver<Envelope> call) {
    this.call = call;
    call.setOnReadyHandler(() -> {
      synchronized (readyLock) {
        readyLock.notifyAll();
      }
    });
  }

  @Override
  public void send(ClientEnvelope envelope) throws IOException {
    awaitReady();
    call.onNext(MessageApiCore.toProto(envelope));
  }

  private void awaitReady() throws IOException {
    synchronized (readyLock) {
      while (!call.isReady()) {
        if (call.isCancelled()) {
          throw new IOException("stream cancelled by the client");
        }
        try {
          readyLock.wait(1_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted");
        }
      }
    }
    if (call.isCancelled()) {
      throw new IOException("stream cancelled by the client");
    }
  }

  @Override
  public void keepAlive() throws IOException {
    // HTTP/2 pings (configured on the server) keep the connection alive; here we only notice a vanished client
    if (call.isCancelled()) {
      throw new IOException("stream cancelled by the client");
    }
  }

  @Override
  public void fail(String reason) {
    try {
      call.onError(Status.INTERNAL.withDescription(reason).asRuntimeException());
    } catch (IllegalStateException ignored) {
      // already closed
    }
  }
}
