package org.xmtpj.node.replication.grpc;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmtpj.crypto.Ed25519KeyPair;
import org.xmtpj.node.replication.Membership;
import org.xmtpj.node.replication.ReplicationConfig;
import org.xmtpj.node.replication.ReplicationHandler;

/**
 * The node-to-node endpoint: the Replication service over HTTP/2 (TLS when configured), authenticated by the signed
 * handshake. A frame above {@code limits.maxFrameBytes} is refused by gRPC with RESOURCE_EXHAUSTED before it is
 * decoded; every request is checked against the other limits before the handler sees it.
 */
public final class ReplicationGrpcServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicationGrpcServer.class);
  private static final int MAX_CONCURRENT_CALLS_PER_CONNECTION = 256;

  private final Server server;
  private final Sessions sessions;
  private final boolean tls;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

  /**
   * @param address where to listen (the node's host and {@code config.port()}; port 0 picks a free one)
   * @param nodeKey this node's identity, which signs the handshake answers
   * @param membership who may connect (checked at the handshake and on every call)
   */
  public ReplicationGrpcServer(InetSocketAddress address, ReplicationConfig config, Ed25519KeyPair nodeKey,
      Membership membership, ReplicationHandler handler, Clock clock) {
    SecureRandom random = new SecureRandom();
    this.sessions = new Sessions(clock, Sessions.DEFAULT_TTL, PeerAuth.MAX_CLOCK_SKEW.multipliedBy(2),
        Sessions.DEFAULT_MAX_SESSIONS, Sessions.DEFAULT_MAX_PER_PEER, random);
    PeerAuth auth = new PeerAuth(nodeKey, clock, random);
    ReplicationService service = new ReplicationService(handler, new RequestChecks(config.limits()), auth,
        membership, sessions, config.limits());
    NettyServerBuilder b = NettyServerBuilder.forAddress(address)
        .executor(executor)
        .maxInboundMessageSize(config.limits().maxFrameBytes())
        .maxConcurrentCallsPerConnection(MAX_CONCURRENT_CALLS_PER_CONNECTION)
        .permitKeepAliveTime(10, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true)
        .addService(ServerInterceptors.intercept(service, new SessionInterceptor(sessions, membership)));
    this.tls = config.tls() != null;
    if (tls) {
      b.sslContext(TlsContexts.server(config.tls()));
    }
    this.server = b.build();
  }

  public ReplicationGrpcServer start() throws IOException {
    server.start();
    LOG.info("replication listening on {} ({})", server.getListenSockets(), tls ? "TLS" : "plaintext");
    return this;
  }

  public int port() {
    return server.getPort();
  }

  /** Live sessions (for tests and metrics). */
  int sessionCount() {
    return sessions.size();
  }

  /** Successful handshakes since start (for tests and metrics). */
  long handshakeCount() {
    return sessions.opened();
  }

  /** Refuses new calls and waits up to {@code grace} for running ones. */
  public void stop(Duration grace) {
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
