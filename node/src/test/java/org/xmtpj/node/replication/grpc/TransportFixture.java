package org.xmtpj.node.replication.grpc;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.xmtpj.crypto.Ed25519KeyPair;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.node.replication.Membership;
import org.xmtpj.node.replication.PeerInfo;
import org.xmtpj.node.replication.ReplicationConfig;
import org.xmtpj.node.replication.ReplicationLimits;
import org.xmtpj.node.replication.StaticMembership;
import org.xmtpj.proto.replication.v1.HandshakeResponse;
import org.xmtpj.proto.replication.v1.ReplicationGrpc;
import org.xmtpj.proto.replication.v1.ReplicationGrpc.ReplicationBlockingStub;

/** Servers, connectors and raw channels on 127.0.0.1 with one shared clock; closes everything it made. */
final class TransportFixture implements AutoCloseable {
  record Node(Ed25519KeyPair key, OriginKey id) {
    static Node create() {
      Ed25519KeyPair k = Ed25519KeyPair.generate(new SecureRandom());
      return new Node(k, new OriginKey(k.publicKey()));
    }
  }

  final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
  private final List<AutoCloseable> open = new ArrayList<>();

  static ReplicationConfig config(ReplicationLimits limits, Duration callTimeout) {
    ReplicationConfig d = ReplicationConfig.defaults();
    return new ReplicationConfig(0, List.of(), null, d.antiEntropyInterval(), d.pushLinger(), callTimeout, limits,
        d.retention());
  }

  static ReplicationConfig config() {
    return config(ReplicationLimits.DEFAULTS, Duration.ofSeconds(5));
  }

  /** A server for {@code self} that accepts the given peers (pinned). */
  ReplicationGrpcServer server(Node self, CannedHandler handler, ReplicationConfig config, Node... allowed)
      throws IOException {
    List<PeerInfo> peers = new ArrayList<>();
    for (Node n : allowed) {
      peers.add(new PeerInfo(n.id(), "127.0.0.1", 1)); // inbound only: the address is never dialled
    }
    return server(self, handler, config, new StaticMembership(self.id(), peers));
  }

  ReplicationGrpcServer server(Node self, CannedHandler handler, ReplicationConfig config, Membership m)
      throws IOException {
    ReplicationGrpcServer s = new ReplicationGrpcServer(new InetSocketAddress("127.0.0.1", config.port()), config,
        self.key(), m, handler, clock);
    open.add(s);
    return s.start();
  }

  GrpcPeerConnector connector(Node self, ReplicationConfig config, Membership m) {
    GrpcPeerConnector c = new GrpcPeerConnector(config, self.key(), m, clock);
    open.add(c);
    return c;
  }

  static PeerInfo peer(ReplicationGrpcServer server, OriginKey pinned) {
    return new PeerInfo(pinned, "127.0.0.1", server.port());
  }

  ManagedChannel rawChannel(int port) {
    ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
        .maxInboundMessageSize(64 * 1024 * 1024).build();
    open.add(ch::shutdownNow);
    return ch;
  }

  /** A blocking stub that did a real handshake as {@code self} and sends its session header. */
  ReplicationBlockingStub rawSession(ManagedChannel ch, Node self) {
    ReplicationBlockingStub raw = ReplicationGrpc.newBlockingStub(ch);
    HandshakeResponse welcome = raw.handshake(new PeerAuth(self.key(), clock, new SecureRandom()).hello(null));
    return withSession(raw, HexFormat.of().formatHex(welcome.getSessionId().toByteArray()));
  }

  static ReplicationBlockingStub withSession(ReplicationBlockingStub raw, String session) {
    Metadata md = new Metadata();
    md.put(SessionInterceptor.SESSION_HEADER, session);
    return raw.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
  }

  @Override
  public void close() {
    RuntimeException failure = null;
    for (AutoCloseable c : open.reversed()) {
      try {
        c.close();
      } catch (Exception e) {
        failure = failure == null ? new IllegalStateException("closing test transport", e) : failure;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
