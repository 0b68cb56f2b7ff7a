package org.xmtpj.node.grpc;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmtpj.node.api.MessageApiCore;
import org.xmtpj.node.metrics.NodeMetrics;
import org.xmtpj.node.ratelimit.RateLimiter;

/** The gRPC endpoint: MessageApi, grpc.health.v1 and server reflection, on HTTP/2 with keep-alive pings. */
public final class GrpcApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcApiServer.class);

  private final Server server;
  private final HealthStatusManager health = new HealthStatusManager();
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

  public GrpcApiServer(InetSocketAddress address, MessageApiCore core, RateLimiter rateLimiter,
      NodeMetrics metrics, Duration keepAlive) {
    this(address, core, rateLimiter, metrics, keepAlive, null);
  }

  /** @param proofs inclusion proofs (CheckpointApi), or null on a node without checkpoints */
  public GrpcApiServer(InetSocketAddress address, MessageApiCore core, RateLimiter rateLimiter,
      NodeMetrics metrics, Duration keepAlive, java.util.function.Function<
          org.xmtpj.proto.checkpoint.v1.InclusionProofRequest,
          org.xmtpj.proto.checkpoint.v1.InclusionProofResponse> proofs) {
    MessageApiService service = new MessageApiService(core, rateLimiter, metrics);
    this.server = NettyServerBuilder.forAddress(address)
        .executor(executor)
        .maxInboundMessageSize(core.limits().maxRequestBytes())
        .keepAliveTime(keepAlive.toMillis(), TimeUnit.MILLISECONDS)
        .keepAliveTimeout(20, TimeUnit.SECONDS)
        .permitKeepAliveTime(10, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true)
        .addService(ServerInterceptors.intercept(service, new EarlyHeaders(), new CallContext(rateLimiter)))
        .addService(ServerInterceptors.intercept(new CheckpointApiService(proofs, rateLimiter),
            new CallContext(rateLimiter)))
        .addService(health.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance())
        .build();
  }

  public void start() throws IOException {
    server.start();
    health.setStatus("", ServingStatus.SERVING);
    health.setStatus("xmtp.message_api.v1.MessageApi", ServingStatus.SERVING);
    LOG.info("gRPC API listening on {}", server.getListenSockets());
  }

  public int port() {
    return server.getPort();
  }

  /** Reports NOT_SERVING on the health service and keeps serving calls (the store reported damage). */
  public void notServing() {
    health.setStatus("", ServingStatus.NOT_SERVING);
    health.setStatus("xmtp.message_api.v1.MessageApi", ServingStatus.NOT_SERVING);
  }

  /** Reports NOT_SERVING, refuses new calls, and waits up to {@code grace} for running ones. */
  public void stop(Duration grace) {
    health.enterTerminalState();
    server.shutdown();
    try {
      if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    }
    executor.shutdownNow();
  }

  @Override
  public void close() {
    stop(Duration.ZERO);
  }
}
