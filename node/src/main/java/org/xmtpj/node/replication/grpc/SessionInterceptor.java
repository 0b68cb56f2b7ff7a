package org.xmtpj.node.replication.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.node.replication.Membership;
import org.xmtpj.proto.replication.v1.ReplicationGrpc;

/**
 * Maps the {@code xmtpj-session} header of every call except Handshake to the authenticated peer key, put in the
 * call's context. Membership is checked on every call, so a peer removed from the network loses access at once
 * rather than when its session expires.
 */
final class SessionInterceptor implements ServerInterceptor {
  static final Metadata.Key<String> SESSION_HEADER =
      Metadata.Key.of("xmtpj-session", Metadata.ASCII_STRING_MARSHALLER);
  static final Context.Key<OriginKey> PEER = Context.key("xmtpj-replication-peer");
  private static final String HANDSHAKE = ReplicationGrpc.getHandshakeMethod().getFullMethodName();

  private final Sessions sessions;
  private final Membership membership;

  SessionInterceptor(Sessions sessions, Membership membership) {
    this.sessions = sessions;
    this.membership = membership;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    if (call.getMethodDescriptor().getFullMethodName().equals(HANDSHAKE)) {
      return next.startCall(call, headers);
    }
    String session = headers.get(SESSION_HEADER);
    OriginKey peer = sessions.lookup(session);
    if (peer == null) {
      call.close(Status.UNAUTHENTICATED.withDescription(session == null
          ? "no xmtpj-session header: handshake first" : "unknown or expired session: handshake again"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    if (!membership.isAllowedPeer(peer)) {
      call.close(Status.PERMISSION_DENIED.withDescription("node " + peer.hex() + " is no longer an allowed peer"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return Contexts.interceptCall(Context.current().withValue(PEER, peer), call, headers, next);
  }
}
