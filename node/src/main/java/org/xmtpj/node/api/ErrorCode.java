package org.xmtpj.node.api;

/** The gRPC codes this API uses, with the HTTP status grpc-gateway maps each to. */
public enum ErrorCode {
  INVALID_ARGUMENT(3, 400),
  NOT_FOUND(5, 404),
  PERMISSION_DENIED(7, 403),
  FAILED_PRECONDITION(9, 412),
  RESOURCE_EXHAUSTED(8, 429),
  /** RESOURCE_EXHAUSTED for a request that is too big rather than too frequent. */
  PAYLOAD_TOO_LARGE(8, 413),
  UNIMPLEMENTED(12, 501),
  INTERNAL(13, 500),
  UNAVAILABLE(14, 503),
  UNAUTHENTICATED(16, 401);

  private final int grpcCode;
  private final int httpStatus;

  ErrorCode(int grpcCode, int httpStatus) {
    this.grpcCode = grpcCode;
    this.httpStatus = httpStatus;
  }

  public int grpcCode() {
    return grpcCode;
  }

  public int httpStatus() {
    return httpStatus;
  }
}
