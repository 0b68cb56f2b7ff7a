package org.xmtpj.node.replication.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.xmtpj.node.replication.grpc.ReplicationHandshakeTest.assertPeerFailure;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.node.replication.PeerClient;
import org.xmtpj.node.replication.PeerException.Kind;
import org.xmtpj.node.replication.PeerInfo;
import org.xmtpj.node.replication.ReplicationConfig;
import org.xmtpj.node.replication.ReplicationLimits;
import org.xmtpj.node.replication.StaticMembership;
import org.xmtpj.node.replication.VectorReply;
import org.xmtpj.node.replication.grpc.TransportFixture.Node;

/**
 * One peer cannot take all of a node's serving (issue 13, finding 11: replication serving had no per-peer
 * concurrency or byte budget, so one peer's slow or endless calls could hold every serving thread and reply).
 */
class ServingBudgetTest {
  private static final int PLACES = 2;
  private static final ReplicationLimits LIMITS = ReplicationLimits.DEFAULTS.withServing(PLACES, 8L * 1024 * 1024);

  private final TransportFixture net = new TransportFixture();
  private final Node a = Node.create();
  private final Node greedy = Node.create();
  private final Node other = Node.create();
  private final CannedHandler handler = new CannedHandler();

  @AfterEach
  void close() {
    handler.release();
    net.close();
  }

  private PeerClient client(Node self, ReplicationGrpcServer server, ReplicationConfig config) {
    PeerInfo peer = TransportFixture.peer(server, a.id());
    return net.connector(self, config, new StaticMembership(self.id(), List.of(peer))).connect(peer);
  }

  private long callsFrom(Node n) {
    return handler.calls.stream().filter(c -> c.from().equals(n.id())).count();
  }

  @Test
  void shouldRefuseAPeersCallBeyondItsPlacesWhileAnotherPeerIsStillServed() throws Exception {
    ReplicationConfig config = TransportFixture.config(LIMITS, Duration.ofSeconds(20));
    ReplicationGrpcServer server = net.server(a, handler, config, greedy, other);
    PeerClient g = client(greedy, server, config);
    PeerClient o = client(other, server, config);
    g.vector().join(); // handshakes done before the handler stalls
    o.vector().join();
    handler.calls.clear();
    handler.stall();

    List<CompletableFuture<VectorReply>> held = new ArrayList<>();
    for (int i = 0; i < PLACES; i++) {
      held.add(g.vector());
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> callsFrom(greedy) == PLACES);

    assertPeerFailure(() -> g.vector().join(), Kind.UNAVAILABLE, "peer_busy");
    assertThat(callsFrom(greedy)).as("calls of the greedy peer that reached the handler").isEqualTo(PLACES);

    CompletableFuture<VectorReply> served = o.vector();
    await().atMost(Duration.ofSeconds(10)).until(() -> callsFrom(other) == 1);
    handler.release();
    assertThat(served.join().vector()).hasSize(1);
    held.forEach(CompletableFuture::join);
    assertThat(g.vector().join().vector()).as("places given back once the calls ended").hasSize(1);
  }

  @Test
  void shouldGiveBackAPlaceAndItsReplyBytesWhenTheCallEnds() {
    ServingBudget budget = new ServingBudget(LIMITS);
    OriginKey peer = greedy.id();
    ServingBudget.Call call = budget.enter(peer, 1024);
    call.book(1000);
    assertThat(budget.inUse(peer)).isEqualTo(1);
    assertThat(budget.replies().used()).isEqualTo(1000L * ServingBudget.HEAP_PER_REPLY_BYTE);
    call.close();
    call.close(); // a close handler and a cancel handler may both run
    assertThat(budget.inUse(peer)).isZero();
    assertThat(budget.replies().used()).isZero();
  }

  @Test
  void shouldRefuseAReplyThatFindsNoRoomInTheNodesReplyBudget() {
    ServingBudget budget = new ServingBudget(LIMITS);
    ServingBudget.Call first = budget.enter(greedy.id(), 1024);
    first.book(LIMITS.maxServingBytes() / ServingBudget.HEAP_PER_REPLY_BYTE - 10);
    ServingBudget.Call second = budget.enter(other.id(), 0);
    assertThatThrownBy(() -> second.book(1000)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(e.getStatus().getDescription()).startsWith("node_busy");
    });
    second.close();
    first.close();
    assertThat(budget.replies().used()).isZero();
    ServingBudget.Call third = budget.enter(other.id(), LIMITS.maxReplyBytes());
    third.book(1000);
    third.close();
  }

  @Test
  void shouldBookTheLargestReplyOnEntrySoThatCallsWhichAllFindTheBudgetEmptyCannotAllBuildAtOnce() {
    ServingBudget budget = new ServingBudget(LIMITS);
    long largest = LIMITS.maxServingBytes() / ServingBudget.HEAP_PER_REPLY_BYTE * 3 / 4;
    ServingBudget.Call first = budget.enter(greedy.id(), largest);
    assertThat(budget.replies().used()).as("booked on entry, before any reply is built")
        .isEqualTo(largest * ServingBudget.HEAP_PER_REPLY_BYTE);

    assertThatThrownBy(() -> budget.enter(other.id(), largest)).isInstanceOfSatisfying(StatusRuntimeException.class,
        e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
          assertThat(e.getStatus().getDescription()).startsWith("node_busy");
        });
    assertThat(budget.inUse(other.id())).as("the refused call gave its place back").isZero();

    first.book(1000);
    assertThat(budget.replies().used()).as("the built reply keeps only what it needs")
        .isEqualTo(1000L * ServingBudget.HEAP_PER_REPLY_BYTE);
    ServingBudget.Call second = budget.enter(other.id(), largest);
    second.close();
    first.close();
    assertThat(budget.replies().used()).isZero();
  }

  @Test
  void shouldBookTheExcessWhenAReplyComesOutLargerThanItsBound() {
    ServingBudget budget = new ServingBudget(LIMITS);
    ServingBudget.Call call = budget.enter(greedy.id(), 100);
    call.book(5000);
    assertThat(budget.replies().used()).isEqualTo(5000L * ServingBudget.HEAP_PER_REPLY_BYTE);
    call.close();
    assertThat(budget.replies().used()).isZero();
  }

  @Test
  void shouldBoundEveryMetadataReplyFarBelowAFrameSoThatVectorCallsDoNotFillTheBudget() {
    ReplyBounds bounds = ReplyBounds.of(ReplicationLimits.DEFAULTS);
    assertThat(bounds.data()).isEqualTo(ReplicationLimits.DEFAULTS.maxReplyBytes());
    assertThat(List.of(bounds.vector(), bounds.topicsPage(), bounds.buckets(), bounds.empty()))
        .allSatisfy(b -> assertThat(b).isLessThanOrEqualTo(bounds.data() / 2));
  }
}
