package org.xmtpj.node.grpc;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmtpj.node.api.ApiException;
import org.xmtpj.node.api.ErrorCode;
import org.xmtpj.node.checkpoint.InclusionProofs;
import org.xmtpj.node.ratelimit.RateLimiter;
import org.xmtpj.proto.checkpoint.v1.CheckpointApiGrpc;
import org.xmtpj.proto.checkpoint.v1.InclusionProofRequest;
import org.xmtpj.proto.checkpoint.v1.InclusionProofResponse;

/** {@code xmtpj.checkpoint.v1.CheckpointApi} over gRPC: the same answers and codes as the HTTP route. */
final class CheckpointApiService extends CheckpointApiGrpc.CheckpointApiImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointApiService.class);

  private final Function<InclusionProofRequest, InclusionProofResponse> proofs;
  private final RateLimiter rateLimiter;

  /** @param proofs null on a node that computes no checkpoints: every call is then UNIMPLEMENTED with a reason */
  CheckpointApiService(Function<InclusionProofRequest, InclusionProofResponse> proofs, RateLimiter rateLimiter) {
    this.proofs = proofs;
    this.rateLimiter = rateLimiter;
  }

  @Override
  public void getInclusionProof(InclusionProofRequest request, StreamObserver<InclusionProofResponse> out) {
    try {
      rateLimiter.checkRequest(CallContext.client(), InclusionProofs.REQUEST_COST);
      if (proofs == null) {
        throw new ApiException(ErrorCode.UNIMPLEMENTED, "no_checkpoints",
            "this node computes no checkpoints (it runs without a chain)");
      }
      out.onNext(proofs.apply(request));
      out.onCompleted();
    } catch (ApiException e) {
      out.onError(GrpcErrors.toStatus(e));
    } catch (RuntimeException e) {
      LOG.error("GetInclusionProof failed", e);
      out.onError(Status.INTERNAL.withDescription("internal error").asRuntimeException());
    }
  }
}
