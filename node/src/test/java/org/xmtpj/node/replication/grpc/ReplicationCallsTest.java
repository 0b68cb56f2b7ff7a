package org.xmtpj.node.replication.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.xmtpj.node.replication.grpc.ReplicationHandshakeTest.assertPeerFailure;
import static org.xmtpj.node.replication.grpc.ReplicationHandshakeTest.assertStatus;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.node.replication.AncestorsRequest;
import org.xmtpj.node.replication.EventsReply;
import org.xmtpj.node.replication.PeerClient;
import org.xmtpj.node.replication.PeerException;
import org.xmtpj.node.replication.PeerException.Kind;
import org.xmtpj.node.replication.PeerInfo;
import org.xmtpj.node.replication.ReplicationConfig;
import org.xmtpj.node.replication.ReplicationLimits;
import org.xmtpj.node.replication.StaticMembership;
import org.xmtpj.node.replication.grpc.TransportFixture.Node;
import org.xmtpj.proto.replication.v1.GetOriginRangeRequest;
import org.xmtpj.proto.replication.v1.PushRequest;
import org.xmtpj.proto.replication.v1.ReplicationGrpc.ReplicationBlockingStub;
import org.xmtpj.store.TopicSummary;

/** Every rpc end to end, the frame and request limits, and how failures reach the caller. */
class ReplicationCallsTest {
  private static final int FRAME = 256 * 1024;
  private static final ReplicationLimits SMALL = new ReplicationLimits(FRAME, 10, 20, 4, 8, 16, 50, 8, 100);

  private final TransportFixture net = new TransportFixture();
  private final Node a = Node.create();
  private final Node b = Node.create();
  private final CannedHandler handler = new CannedHandler();

  @AfterEach
  void close() {
    handler.release();
    net.close();
  }

  private ReplicationGrpcServer serverA(ReplicationConfig config) throws IOException {
    return net.server(a, handler, config, b);
  }

  private PeerClient clientOfB(ReplicationGrpcServer server, ReplicationConfig config) {
    PeerInfo peer = TransportFixture.peer(server, a.id());
    return net.connector(b, config, new StaticMembership(b.id(), List.of(peer))).connect(peer);
  }

  private static <T> T await(java.util.concurrent.CompletableFuture<T> f) {
    return f.join();
  }

  private static List<EventId> ids(int n) {
    List<EventId> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new EventId(CannedHandler.filled(32, i)));
    }
    return out;
  }

  @Test
  void shouldCarryEveryCallAndItsAnswerIntact() throws Exception {
    PeerClient c = clientOfB(serverA(TransportFixture.config()), TransportFixture.config());

    EventsReply range = await(c.originRange(CannedHandler.ORIGIN, 4, 2, 1000));
    assertThat(range.events()).extracting(String::new).containsExactly("event-0", "event-1");
    assertThat(range.more()).isTrue();
    assertThat(range.floor()).isEqualTo(3);
    assertThat(handler.calls.peek().argument()).isEqualTo(List.of(CannedHandler.ORIGIN, 4L, 2, 1000L));

    var request = new AncestorsRequest(CannedHandler.TOPIC, ids(2), ids(1), Map.of(CannedHandler.ORIGIN, 9L), 5, 99);
    assertThat(await(c.ancestors(request)).events()).hasSize(1);
    assertThat(lastArgument()).isEqualTo(request);

    assertThat(await(c.events(ids(3))).events()).hasSize(3);
    assertThat(lastArgument()).isEqualTo(ids(3));

    List<TopicSummary> topics = await(c.topics(null, 10));
    assertThat(topics).extracting(TopicSummary::name).containsExactly("/xmtp/0/test/proto", null);
    assertThat(topics.get(0).headsHash()).isEqualTo(CannedHandler.filled(32, 2));
    assertThat(lastArgument()).isEqualTo(java.util.Arrays.asList(null, 10));
    await(c.topics(CannedHandler.TOPIC, 5));
    assertThat(lastArgument()).isEqualTo(List.of(CannedHandler.TOPIC, 5));

    assertThat(await(c.topicRange(CannedHandler.TOPIC, 3, 10, 500)).nextRow()).isEqualTo(10);
    assertThat(await(c.buckets())).hasNumberOfRows(256).satisfies(h -> assertThat(h[200][0]).isEqualTo((byte) 200));
    assertThat(await(c.bucket(17))).singleElement().extracting(TopicSummary::events).isEqualTo(4L);
    assertThat(lastArgument()).isEqualTo(17);

    TopicKey other = new TopicKey(CannedHandler.filled(32, 11));
    assertThat(await(c.heads(List.of(CannedHandler.TOPIC, other)))).containsOnlyKeys(CannedHandler.TOPIC, other)
        .allSatisfy((t, heads) -> assertThat(heads).hasSize(2));
    assertThat(await(c.vector()).fingerprint()).isEqualTo(CannedHandler.filled(32, 1));
  }

  private Object lastArgument() {
    return new ArrayList<>(handler.calls).getLast().argument();
  }

  @Test
  void shouldRefuseAnOversizedPushFrameAndKeepServing() throws Exception {
    ReplicationConfig config = TransportFixture.config(SMALL, Duration.ofSeconds(5));
    ReplicationGrpcServer server = serverA(config);
    PeerClient c = clientOfB(server, config);
    List<byte[]> huge = List.of(new byte[FRAME + 1]);

    assertPeerFailure(() -> await(c.push(huge)), Kind.INVALID, "RESOURCE_EXHAUSTED");
    ReplicationBlockingStub raw = net.rawSession(net.rawChannel(server.port()), b);
    assertStatus(() -> raw.push(PushRequest.newBuilder().addEvents(ByteString.copyFrom(huge.get(0))).build()),
        Status.Code.RESOURCE_EXHAUSTED, "");

    assertThat(handler.calls).isEmpty();
    await(c.push(List.of(new byte[FRAME / 2])));
    assertThat(await(c.vector()).vector()).hasSize(1);
  }

  @Test
  void shouldAnswerInvalidArgumentNamingTheBrokenLimit() throws Exception {
    ReplicationConfig config = TransportFixture.config(SMALL, Duration.ofSeconds(5));
    ReplicationGrpcServer server = serverA(config);
    PeerClient c = clientOfB(server, config);
    long maxBytes = SMALL.maxReplyBytes();

    assertPeerFailure(() -> await(c.push(Collections.nCopies(11, new byte[1]))), Kind.INVALID,
        "events: 11 given, must be 1..10");
    assertPeerFailure(() -> await(c.push(List.of())), Kind.INVALID, "events: 0 given");
    assertPeerFailure(() -> await(c.events(ids(17))), Kind.INVALID, "ids: 17 given, must be 1..16");
    assertPeerFailure(() -> await(c.originRange(CannedHandler.ORIGIN, 1, 21, 10)), Kind.INVALID,
        "max_events: 21 given, must be 1..20");
    assertPeerFailure(() -> await(c.originRange(CannedHandler.ORIGIN, 0, 1, 10)), Kind.INVALID, "from_seq");
    assertPeerFailure(() -> await(c.originRange(CannedHandler.ORIGIN, 1, 1, maxBytes + 1)), Kind.INVALID,
        "max_bytes must be 1.." + maxBytes);
    assertPeerFailure(() -> await(c.ancestors(new AncestorsRequest(CannedHandler.TOPIC, ids(5), List.of(), Map.of(),
        1, 10))), Kind.INVALID, "want: 5 given, must be 1..4");
    assertPeerFailure(() -> await(c.ancestors(new AncestorsRequest(CannedHandler.TOPIC, ids(1), ids(9), Map.of(),
        1, 10))), Kind.INVALID, "have_heads: 9 given");
    assertPeerFailure(() -> await(c.topics(null, 51)), Kind.INVALID, "limit: 51 given, must be 1..50");
    assertPeerFailure(() -> await(c.bucket(256)), Kind.INVALID, "bucket must be 0..255, was 256");
    assertPeerFailure(() -> await(c.heads(List.of())), Kind.INVALID, "topics: 0 given, must be 1..8");

    ReplicationBlockingStub raw = net.rawSession(net.rawChannel(server.port()), b);
    assertStatus(() -> raw.getOriginRange(GetOriginRangeRequest.newBuilder().setOrigin(ByteString.copyFrom(
        new byte[31])).setFromSeq(1).setMaxEvents(1).setMaxBytes(1).build()), Status.Code.INVALID_ARGUMENT,
        "origin must be 32 bytes, was 31");
    assertThat(handler.calls).isEmpty();
  }

  @Test
  void shouldMapHandlerFailuresToKinds() throws Exception {
    PeerClient c = clientOfB(serverA(TransportFixture.config()), TransportFixture.config());

    handler.failWith = () -> new PeerException(Kind.REFUSED, "banned for misbehaving");
    assertPeerFailure(() -> await(c.vector()), Kind.REFUSED, "banned for misbehaving");
    handler.failWith = () -> new PeerException(Kind.UNAVAILABLE, "store is closing");
    assertPeerFailure(() -> await(c.vector()), Kind.UNAVAILABLE, "store is closing");
    handler.failWith = () -> new PeerException(Kind.INVALID, "topic unknown");
    assertPeerFailure(() -> await(c.vector()), Kind.INVALID, "topic unknown");
    handler.failWith = () -> new IllegalStateException("bug");
    assertPeerFailure(() -> await(c.vector()), Kind.UNAVAILABLE, "GetVector failed on the serving node");
  }

  @Test
  void shouldFailWithProtocolWhenTheAnswerBreaksTheRequest() throws Exception {
    PeerClient c = clientOfB(serverA(TransportFixture.config()), TransportFixture.config());
    handler.extraEvents = 1;
    assertPeerFailure(() -> await(c.originRange(CannedHandler.ORIGIN, 1, 2, 100)), Kind.PROTOCOL,
        "3 events, 2 were asked for");
  }

  @Test
  void shouldFailWithUnavailableForADeadPeerOrAMissedDeadline() throws Exception {
    // A port nobody can listen on while the test runs: a socket bound to it (without SO_REUSEADDR, so no other
    // socket can bind it) that never listens, so a connection is refused at once. Closing a socket to "free" a
    // port would let another process take it before the connection attempt; a ServerSocket kept open would
    // accept into its backlog instead of refusing.
    try (Socket reserved = new Socket()) {
      reserved.setReuseAddress(false);
      reserved.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      PeerInfo dead = new PeerInfo(a.id(), "127.0.0.1", reserved.getLocalPort());
      PeerClient toDead = net.connector(b, TransportFixture.config(), new StaticMembership(b.id(), List.of(dead)))
          .connect(dead);
      assertPeerFailure(() -> await(toDead.vector()), Kind.UNAVAILABLE, "UNAVAILABLE");
    }

    ReplicationConfig quick = TransportFixture.config(ReplicationLimits.DEFAULTS, Duration.ofMillis(300));
    PeerClient slow = clientOfB(serverA(quick), quick);
    await(slow.vector());
    handler.stall(); // the handler answers only after release(): the 300 ms deadline passes whatever the machine
    assertPeerFailure(() -> await(slow.vector()), Kind.UNAVAILABLE, "DEADLINE_EXCEEDED");
  }
}
