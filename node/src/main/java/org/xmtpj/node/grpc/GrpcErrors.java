package org.xmtpj.node.grpc;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.xmtpj.node.api.ApiException;

/**
 * An {@link ApiException} as a gRPC status: its code, its message as the description, and the machine-readable
 * reason as a {@code google.rpc.ErrorInfo} detail (the {@code grpc-status-details-bin} trailer), which clients read
 * with {@code StatusProto.fromThrowable}; the HTTP gateway renders the same detail in its JSON body.
 */
final class GrpcErrors {
  static final String DOMAIN = "xmtpj.node";

  private GrpcErrors() {}

  static StatusRuntimeException toStatus(ApiException e) {
    return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder().setCode(e.code().grpcCode())
        .setMessage(e.getMessage() == null ? "" : e.getMessage())
        .addDetails(Any.pack(ErrorInfo.newBuilder().setReason(e.reason()).setDomain(DOMAIN).build())).build());
  }
}
