package org.xmtpj.node.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.xmtpj.node.ratelimit.RateLimiter;

/**
 * Carries the caller's source network (for rate limits and stream limits, {@link RateLimiter#clientKey}) and its
 * Authorization header (for publish) into the call.
 */
final class CallContext implements ServerInterceptor {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> FORWARDED_FOR =
      Metadata.Key.of("x-forwarded-for", Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<String> CLIENT = Context.key("client");
  private static final Context.Key<String> AUTH = Context.key("authorization");
  private final RateLimiter rateLimiter;

  CallContext(RateLimiter rateLimiter) {
    this.rateLimiter = rateLimiter;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    String client = remote instanceof InetSocketAddress inet && inet.getAddress() != null
        ? rateLimiter.clientKey(inet.getAddress(), headers.get(FORWARDED_FOR)) : String.valueOf(remote);
    Context ctx = Context.current().withValue(CLIENT, client).withValue(AUTH, headers.get(AUTHORIZATION));
    return Contexts.interceptCall(ctx, call, headers, next);
  }

  static String client() {
    String c = CLIENT.get();
    return c == null ? "unknown" : c;
  }

  static String authorization() {
    return AUTH.get();
  }
}
