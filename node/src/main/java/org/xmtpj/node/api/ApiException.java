package org.xmtpj.node.api;

/**
 * A request failed for a reason the client can act on. Both transports map it the same way: the gRPC status code,
 * and for HTTP the status grpc-gateway would use plus a {@code {"code","message","details"}} body.
 */
public final class ApiException extends RuntimeException {
  private final ErrorCode code;
  private final String reason;

  public ApiException(ErrorCode code, String reason, String message) {
    super(message, null, false, false);
    this.code = code;
    this.reason = reason;
  }

  /** The answer to a request that met damage in the store: 503 / UNAVAILABLE, try another node. */
  public static ApiException storeDamaged(org.xmtpj.store.StoreDamagedException e) {
    return new ApiException(ErrorCode.UNAVAILABLE, "store_damaged", "this node's store is damaged where this request"
        + " reads or writes (" + e.getMessage() + "); it repairs the store at its next start; retry on another"
        + " node");
  }

  public static ApiException invalid(String reason, String message) {
    return new ApiException(ErrorCode.INVALID_ARGUMENT, reason, message);
  }

  public ErrorCode code() {
    return code;
  }

  /** A short stable label for metrics ("topic_too_long", "rate_limited", ...). */
  public String reason() {
    return reason;
  }
}
