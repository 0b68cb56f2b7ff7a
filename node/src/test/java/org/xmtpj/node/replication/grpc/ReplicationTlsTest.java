package org.xmtpj.node.replication.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.xmtpj.node.replication.grpc.ReplicationHandshakeTest.assertPeerFailure;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtpj.node.replication.PeerClient;
import org.xmtpj.node.replication.PeerException.Kind;
import org.xmtpj.node.replication.PeerInfo;
import org.xmtpj.node.replication.ReplicationConfig;
import org.xmtpj.node.replication.StaticMembership;
import org.xmtpj.node.replication.grpc.TransportFixture.Node;

/** Node-to-node TLS: works end to end with each node's own certificate; refuses plaintext and untrusted peers. */
class ReplicationTlsTest {
  @TempDir
  Path dir;

  private final TransportFixture net = new TransportFixture();
  private final Node a = Node.create();
  private final Node b = Node.create();
  private final CannedHandler handler = new CannedHandler();
  private ReplicationConfig tlsA;
  private ReplicationConfig tlsB;

  @BeforeEach
  void certificates() throws Exception {
    TestCerts.Pem certA = TestCerts.selfSigned(dir, "node-a");
    TestCerts.Pem certB = TestCerts.selfSigned(dir, "node-b");
    Path trust = TestCerts.bundle(dir.resolve("trusted.pem"), certA.cert(), certB.cert());
    tlsA = TransportFixture.config().withTls(new ReplicationConfig.Tls(certA.cert(), certA.key(), trust));
    tlsB = TransportFixture.config().withTls(new ReplicationConfig.Tls(certB.cert(), certB.key(), trust));
  }

  @AfterEach
  void close() {
    net.close();
  }

  private PeerClient client(Node self, ReplicationConfig config, int port) {
    PeerInfo peer = new PeerInfo(a.id(), "127.0.0.1", port);
    return net.connector(self, config, new StaticMembership(self.id(), List.of(peer))).connect(peer);
  }

  @Test
  void shouldReplicateOverTls() throws Exception {
    ReplicationGrpcServer server = net.server(a, handler, tlsA, b);
    PeerClient c = client(b, tlsB, server.port());

    assertThat(c.vector().join().vector()).containsKey(CannedHandler.ORIGIN);
    c.push(List.of(CannedHandler.event(1))).join();
    assertThat(handler.calls).extracting(CannedHandler.Call::from).containsOnly(b.id());
  }

  @Test
  void shouldNotTalkToAPlaintextClient() throws Exception {
    ReplicationGrpcServer server = net.server(a, handler, tlsA, b);
    PeerClient plaintext = client(b, TransportFixture.config(), server.port());

    assertPeerFailure(() -> plaintext.vector().join(), Kind.UNAVAILABLE, "UNAVAILABLE");
    assertThat(handler.calls).isEmpty();
  }

  @Test
  void shouldNotTrustAServerWithAnUnknownCertificate() throws Exception {
    TestCerts.Pem stranger = TestCerts.selfSigned(dir, "stranger");
    ReplicationConfig strangerTls = TransportFixture.config()
        .withTls(new ReplicationConfig.Tls(stranger.cert(), stranger.key(), stranger.cert()));
    ReplicationGrpcServer server = net.server(a, handler, strangerTls, b);
    PeerClient c = client(b, tlsB, server.port());

    assertPeerFailure(() -> c.vector().join(), Kind.UNAVAILABLE, "UNAVAILABLE");
    assertThat(handler.calls).isEmpty();
  }

  @Test
  void shouldNameAMissingCertificateFile() {
    ReplicationConfig broken = TransportFixture.config()
        .withTls(new ReplicationConfig.Tls(dir.resolve("nope.crt"), dir.resolve("nope.key"), null));
    assertThatThrownBy(() -> net.connector(b, broken, new StaticMembership(b.id(), List.of())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope.crt");
  }
}
