package org.xmtpj.node.replication.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xmtpj.node.replication.PeerClient;
import org.xmtpj.node.replication.PeerException;
import org.xmtpj.node.replication.PeerException.Kind;
import org.xmtpj.node.replication.PeerInfo;
import org.xmtpj.node.replication.StaticMembership;
import org.xmtpj.node.replication.grpc.TransportFixture.Node;
import org.xmtpj.proto.replication.v1.GetVectorRequest;
import org.xmtpj.proto.replication.v1.HandshakeRequest;
import org.xmtpj.proto.replication.v1.ReplicationGrpc;
import org.xmtpj.proto.replication.v1.ReplicationGrpc.ReplicationBlockingStub;

/** Peer authentication: who gets in, who is refused, and how sessions end and recover. */
class ReplicationHandshakeTest {
  private final TransportFixture net = new TransportFixture();
  private final Node a = Node.create();
  private final Node b = Node.create();
  private final Node c = Node.create();
  private final CannedHandler handler = new CannedHandler();

  @AfterEach
  void close() {
    net.close();
  }

  static <T> T await(CompletableFuture<T> f) {
    return f.join();
  }

  static void assertPeerFailure(ThrowingCallable call, Kind kind, String message) {
    assertThatThrownBy(call).isInstanceOf(CompletionException.class)
        .cause().isInstanceOf(PeerException.class).hasMessageContaining(message)
        .satisfies(e -> assertThat(((PeerException) e).kind()).isEqualTo(kind));
  }

  private PeerClient clientOfBToA(ReplicationGrpcServer serverA, boolean pin) {
    PeerInfo peerA = TransportFixture.peer(serverA, pin ? a.id() : null);
    return net.connector(b, TransportFixture.config(), new StaticMembership(b.id(), List.of(peerA))).connect(peerA);
  }

  @Test
  void shouldAuthenticateConfiguredPeersAndCarryThePeerKeyToTheHandler() throws Exception {
    ReplicationGrpcServer serverA = net.server(a, handler, TransportFixture.config(), b);
    PeerClient client = clientOfBToA(serverA, true);

    assertThat(await(client.vector()).vector()).containsKey(CannedHandler.ORIGIN);
    await(client.push(List.of(CannedHandler.event(1))));

    assertThat(client.peerKey()).isEqualTo(a.id());
    assertThat(handler.calls).extracting(CannedHandler.Call::method).containsExactly("vector", "push");
    assertThat(handler.calls).allSatisfy(c -> assertThat(c.from()).isEqualTo(b.id()));
    assertThat(serverA.handshakeCount()).as("one handshake serves many calls").isEqualTo(1);
  }

  @Test
  void shouldLearnTheKeyOfAnUnpinnedPeer() throws Exception {
    ReplicationGrpcServer serverA = net.server(a, handler, TransportFixture.config(), b);
    PeerInfo peerA = TransportFixture.peer(serverA, null);
    StaticMembership membershipB = new StaticMembership(b.id(), List.of(peerA));
    assertThat(membershipB.isAllowedPeer(a.id())).isFalse();

    PeerClient client = net.connector(b, TransportFixture.config(), membershipB).connect(peerA);

    assertThat(client.peerKey()).as("handshakes on demand").isEqualTo(a.id());
    assertThat(membershipB.isAllowedPeer(a.id())).isTrue();
    assertThat(membershipB.isAuthorizedOrigin(a.id())).isTrue();
  }

  @Test
  void shouldRefuseAnUnknownNodeWithoutCallingTheHandler() throws Exception {
    Node stranger = Node.create();
    ReplicationGrpcServer serverA = net.server(a, handler, TransportFixture.config(), b);
    PeerInfo peerA = TransportFixture.peer(serverA, a.id());
    PeerClient client = net.connector(stranger, TransportFixture.config(),
        new StaticMembership(stranger.id(), List.of(peerA))).connect(peerA);

    assertPeerFailure(() -> await(client.vector()), Kind.REFUSED, "not an allowed peer");
    assertPeerFailure(() -> await(client.push(List.of(CannedHandler.event(1)))), Kind.REFUSED, "not an allowed");
    assertThat(handler.calls).isEmpty();
  }

  @Test
  void shouldProveItsKeyWhenRefusingSoThatAnUnpinnedPeerLearnsIt() throws Exception {
    ReplicationGrpcServer serverA = net.server(a, handler, TransportFixture.config()); // allows nobody yet
    PeerInfo peerA = TransportFixture.peer(serverA, null);
    StaticMembership membershipB = new StaticMembership(b.id(), List.of(peerA));
    PeerClient client = net.connector(b, TransportFixture.config(), membershipB).connect(peerA);

    assertPeerFailure(() -> await(client.vector()), Kind.REFUSED, "not an allowed peer");

    assertThat(client.knownKey()).as("proved in the refusal").isEqualTo(a.id());
    assertThat(membershipB.isAllowedPeer(a.id())).as("so A can dial B and be let in").isTrue();
    assertThat(handler.calls).isEmpty();
  }

  @Test
  void shouldIgnoreARefusalProofThatDoesNotVerify() {
    PeerAuth clientAuth = new PeerAuth(b.key(), net.clock, new SecureRandom());
    HandshakeRequest hello = clientAuth.hello(null);
    io.grpc.Metadata trailers = new io.grpc.Metadata();
    byte[] proof = new byte[96];
    System.arraycopy(a.id().bytes(), 0, proof, 0, 32); // a's key, but not a's signature
    trailers.put(PeerAuth.IDENTITY_TRAILER, proof);

    assertThat(clientAuth.keyFromRefusal(hello, Status.PERMISSION_DENIED.asRuntimeException(trailers))).isNull();
  }

  @Test
  void shouldRefuseAPeerWhosePinnedKeyDoesNotMatch() throws Exception {
    ReplicationGrpcServer serverA = net.server(a, handler, TransportFixture.config(), b);
    PeerInfo wrongPin = TransportFixture.peer(serverA, Node.create().id());
    PeerClient client = net.connector(b, TransportFixture.config(),
        new StaticMembership(b.id(), List.of(wrongPin))).connect(wrongPin);

    assertPeerFailure(() -> await(client.vector()), Kind.REFUSED, "addressed to node");
    assertThat(handler.calls).isEmpty();
  }

  @Test
  void shouldHaveTheClientRefuseAServerThatIgnoresThePinnedKey() {
    // a server that does not check expected_server_key (an impostor): the client's own check must catch it
    PeerAuth clientAuth = new PeerAuth(b.key(), net.clock, new SecureRandom());
    PeerAuth impostor = new PeerAuth(Node.create().key(), net.clock, new SecureRandom());
    HandshakeRequest hello = clientAuth.hello(null);
    var welcome = impostor.welcome(hello, new StaticMembership(impostor.selfKey(),
        List.of(new PeerInfo(b.id(), "127.0.0.1", 1))), sessions());

    assertThatThrownBy(() -> clientAuth.verifyWelcome(hello, welcome, a.id())).isInstanceOf(PeerException.class)
        .hasMessageContaining("is pinned");
    assertThat(clientAuth.verifyWelcome(hello, welcome, null)).isEqualTo(impostor.selfKey());
  }

  @Test
  void shouldRejectForgedReplayedAndSkewedHandshakes() throws Exception {
    ReplicationGrpcServer serverA = net.server(a, handler, TransportFixture.config(), b);
    ReplicationBlockingStub raw = ReplicationGrpc.newBlockingStub(net.rawChannel(serverA.port()));
    PeerAuth authB = new PeerAuth(b.key(), net.clock, new SecureRandom());

    HandshakeRequest hello = authB.hello(a.id());
    raw.handshake(hello);
    assertStatus(() -> raw.handshake(hello), Status.Code.UNAUTHENTICATED, "already used");

    HandshakeRequest forged = authB.hello(a.id()).toBuilder().setTimeMs(net.clock.millis() + 1).build();
    assertStatus(() -> raw.handshake(forged), Status.Code.UNAUTHENTICATED, "signature does not verify");

    HandshakeRequest stale = new PeerAuth(b.key(), java.time.Clock.offset(net.clock, Duration.ofMinutes(-6)),
        new SecureRandom()).hello(a.id());
    assertStatus(() -> raw.handshake(stale), Status.Code.UNAUTHENTICATED, "away from this node's clock");
  }

  @Test
  void shouldRejectMissingAndForgedSessionsWithoutCallingTheHandler() throws Exception {
    ReplicationGrpcServer serverA = net.server(a, handler, TransportFixture.config(), b);
    ManagedChannel ch = net.rawChannel(serverA.port());
    ReplicationBlockingStub raw = ReplicationGrpc.newBlockingStub(ch);
    GetVectorRequest q = GetVectorRequest.getDefaultInstance();

    assertStatus(() -> raw.getVector(q), Status.Code.UNAUTHENTICATED, "handshake first");
    assertStatus(() -> TransportFixture.withSession(raw, "00".repeat(32)).getVector(q), Status.Code.UNAUTHENTICATED,
        "unknown or expired session");
    assertThat(handler.calls).isEmpty();

    assertThat(net.rawSession(ch, b).getVector(q).getEntriesCount()).isEqualTo(1);
    assertThat(handler.calls).hasSize(1);
  }

  @Test
  void shouldHandshakeAgainWhenTheSessionExpires() throws Exception {
    ReplicationGrpcServer serverA = net.server(a, handler, TransportFixture.config(), b);
    PeerClient client = clientOfBToA(serverA, true);
    await(client.vector());
    assertThat(serverA.handshakeCount()).isEqualTo(1);

    net.clock.advance(Sessions.DEFAULT_TTL.plusMinutes(1));
    await(client.vector());

    assertThat(serverA.handshakeCount()).as("UNAUTHENTICATED, then one new handshake and a retry").isEqualTo(2);
    assertThat(serverA.sessionCount()).isEqualTo(1);
    assertThat(handler.calls).hasSize(2);
  }

  @Test
  void shouldHandshakeAgainWithARestartedPeer() throws Exception {
    ReplicationGrpcServer first = net.server(a, handler, TransportFixture.config(), b);
    PeerClient client = clientOfBToA(first, true);
    await(client.vector());
    int port = first.port();
    first.close();

    ReplicationGrpcServer second = net.server(a, handler, TransportFixture.config().withPort(port), b);
    // the channel reconnects on its own; calls may fail UNAVAILABLE until it has
    Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
        .until(() -> await(client.heads(List.of(CannedHandler.TOPIC))) != null);
    assertThat(second.handshakeCount()).as("the old session is unknown to the new process").isEqualTo(1);
  }

  @Test
  void shouldBoundSessionsPerPeer() {
    Sessions sessions = sessions();
    for (int i = 0; i < 10; i++) {
      sessions.open(b.id());
    }
    sessions.open(a.id());
    assertThat(sessions.size()).isEqualTo(Sessions.DEFAULT_MAX_PER_PEER + 1);
  }

  @Test
  void shouldStillWelcomeAnHonestPeerWhileAnotherPinnedPeerFloodsHandshakes() {
    // issue 13, finding 5: one table for every peer let one pinned peer lock the others out
    PeerAuth server = new PeerAuth(a.key(), net.clock, new SecureRandom());
    StaticMembership members = new StaticMembership(a.id(), List.of(new PeerInfo(b.id(), "127.0.0.1", 1),
        new PeerInfo(c.id(), "127.0.0.1", 2)));
    Sessions sessions = sessions();
    PeerAuth flooder = new PeerAuth(b.key(), net.clock, new SecureRandom());
    for (int i = 0; i < Sessions.MAX_NONCES_PER_PEER; i++) {
      server.welcome(flooder.hello(a.id()), members, sessions);
    }
    assertStatus(() -> server.welcome(flooder.hello(a.id()), members, sessions), Status.Code.RESOURCE_EXHAUSTED,
        "handshakes within");
    HandshakeRequest honest = new PeerAuth(c.key(), net.clock, new SecureRandom()).hello(a.id());
    assertThat(server.welcome(honest, members, sessions).getSessionId().size()).isEqualTo(32);
    assertStatus(() -> server.welcome(honest, members, sessions), Status.Code.UNAUTHENTICATED, "already used");
    net.clock.advance(Duration.ofMinutes(11)); // the flooder's nonces age out of the 10-minute memory
    assertThat(server.welcome(flooder.hello(a.id()), members, sessions).getSessionId().size()).isEqualTo(32);
  }

  @Test
  void shouldTakeAFullNonceMemoryFromThePeerHoldingMostAndKeepEveryOtherPeersReplayProtection() {
    HandshakeNonces nonces = new HandshakeNonces(net.clock, Duration.ofMinutes(10), 8, 12);
    SecureRandom random = new SecureRandom();
    byte[] honest = new byte[32];
    random.nextBytes(honest);
    assertThat(nonces.use(c.id(), honest)).isEqualTo(HandshakeNonces.Use.FRESH);
    for (int i = 0; i < 8; i++) {
      byte[] n = new byte[32];
      random.nextBytes(n);
      assertThat(nonces.use(b.id(), n)).isEqualTo(HandshakeNonces.Use.FRESH);
    }
    for (int i = 0; i < 3; i++) {
      byte[] n = new byte[32];
      random.nextBytes(n);
      assertThat(nonces.use(a.id(), n)).isEqualTo(HandshakeNonces.Use.FRESH);
    }
    assertThat(nonces.size()).isEqualTo(12);
    byte[] late = new byte[32];
    random.nextBytes(late);
    assertThat(nonces.use(Node.create().id(), late)).as("a newcomer, with the memory full").isEqualTo(
        HandshakeNonces.Use.FRESH);
    assertThat(nonces.size()).isEqualTo(12);
    assertThat(nonces.size(b.id())).as("the peer holding most gave one up").isEqualTo(7);
    assertThat(nonces.use(c.id(), honest)).as("the others keep their replay protection").isEqualTo(
        HandshakeNonces.Use.REPLAYED);
  }

  private Sessions sessions() {
    return new Sessions(net.clock, Sessions.DEFAULT_TTL, Duration.ofMinutes(10), 100, Sessions.DEFAULT_MAX_PER_PEER,
        new SecureRandom());
  }

  static void assertStatus(ThrowingCallable call, Status.Code code, String message) {
    assertThatThrownBy(call).isInstanceOf(StatusRuntimeException.class).hasMessageContaining(message)
        .satisfies(e -> assertThat(((StatusRuntimeException) e).getStatus().getCode()).isEqualTo(code));
  }
}
