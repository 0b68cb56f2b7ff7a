package org.xmtpj.node.replication.grpc;

import io.grpc.Status;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.xmtpj.node.replication.PeerException;
import org.xmtpj.node.replication.PeerException.Kind;
import org.xmtpj.node.replication.PeerInfo;

/** Client side: turns what a failed call threw into a {@link PeerException} whose kind says what to do next. */
final class CallErrors {
  private CallErrors() {}

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  static Status.Code code(Throwable t) {
    Throwable u = unwrap(t);
    return u instanceof PeerException ? null : Status.fromThrowable(u).getCode();
  }

  /**
   * @param largeRequest the request itself can be big (Push): RESOURCE_EXHAUSTED then means the peer refused our
   *     frame (our bug: INVALID); for the small requests of the other calls it means the peer's answer exceeded
   *     our frame limit (the peer's fault: PROTOCOL)
   */
  static PeerException map(PeerInfo peer, String rpc, Throwable t, boolean largeRequest) {
    Throwable u = unwrap(t);
    if (u instanceof PeerException p) {
      return p;
    }
    String where = "peer " + peer.address() + " " + rpc + ": ";
    if (u instanceof IllegalArgumentException || u instanceof NullPointerException) {
      return new PeerException(Kind.PROTOCOL, where + "malformed answer: " + u.getMessage(), u);
    }
    Status s = Status.fromThrowable(u);
    if (s.getCode() == Status.Code.UNKNOWN && !(u instanceof io.grpc.StatusRuntimeException)
        && !(u instanceof io.grpc.StatusException)) {
      return new PeerException(Kind.UNAVAILABLE, where + u, u);
    }
    String message = where + s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription());
    return new PeerException(kind(s.getCode(), largeRequest), message, u);
  }

  private static Kind kind(Status.Code code, boolean largeRequest) {
    return switch (code) {
      case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED, ABORTED, UNKNOWN, INTERNAL -> Kind.UNAVAILABLE;
      case PERMISSION_DENIED, UNAUTHENTICATED -> Kind.REFUSED;
      case INVALID_ARGUMENT, OUT_OF_RANGE, FAILED_PRECONDITION -> Kind.INVALID;
      case RESOURCE_EXHAUSTED -> largeRequest ? Kind.INVALID : Kind.PROTOCOL;
      case OK, NOT_FOUND, ALREADY_EXISTS, UNIMPLEMENTED, DATA_LOSS -> Kind.PROTOCOL;
    };
  }
}
