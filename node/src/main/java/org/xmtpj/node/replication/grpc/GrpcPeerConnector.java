package org.xmtpj.node.replication.grpc;

import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.xmtpj.crypto.Ed25519KeyPair;
import org.xmtpj.node.replication.Membership;
import org.xmtpj.node.replication.PeerClient;
import org.xmtpj.node.replication.PeerConnector;
import org.xmtpj.node.replication.PeerInfo;
import org.xmtpj.node.replication.ReplicationConfig;

/**
 * Opens one {@link GrpcPeerClient} (one HTTP/2 channel) per peer and reuses it. TLS when the config has it, trusting
 * {@code tls.trustedCerts}; plaintext otherwise. Answers complete on virtual threads, so whatever the replicator
 * chains onto a future never runs on a Netty event loop.
 */
public final class GrpcPeerConnector implements PeerConnector {
  private final ReplicationConfig config;
  private final Membership membership;
  private final PeerAuth auth;
  private final SslContext ssl;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final Map<PeerInfo, GrpcPeerClient> clients = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * @param nodeKey this node's identity, which signs our handshakes
   * @param membership told about keys learned from unpinned peers
   * @throws IllegalArgumentException if the TLS files cannot be read
   */
  public GrpcPeerConnector(ReplicationConfig config, Ed25519KeyPair nodeKey, Membership membership, Clock clock) {
    this.config = config;
    this.membership = membership;
    this.auth = new PeerAuth(nodeKey, clock, new SecureRandom());
    this.ssl = config.tls() == null ? null : TlsContexts.client(config.tls());
  }

  @Override
  public PeerClient connect(PeerInfo peer) {
    if (closed) {
      throw new IllegalStateException("peer connector is closed");
    }
    return clients.computeIfAbsent(peer, this::open);
  }

  private GrpcPeerClient open(PeerInfo peer) {
    NettyChannelBuilder b = NettyChannelBuilder.forAddress(peer.host(), peer.port())
        .executor(executor)
        .maxInboundMessageSize(config.limits().maxFrameBytes())
        .keepAliveTime(30, TimeUnit.SECONDS)
        .userAgent("xmtpj-replication");
    if (ssl == null) {
      b.usePlaintext();
    } else {
      b.sslContext(ssl);
    }
    return new GrpcPeerClient(peer, b.build(), auth, membership, config.callTimeout(), config.limits());
  }

  @Override
  public void disconnect(PeerInfo peer) {
    GrpcPeerClient client = clients.remove(peer);
    if (client != null) {
      client.close();
    }
  }

  @Override
  public void close() {
    closed = true;
    for (PeerInfo peer : List.copyOf(clients.keySet())) {
      disconnect(peer);
    }
    executor.shutdownNow();
  }
}
