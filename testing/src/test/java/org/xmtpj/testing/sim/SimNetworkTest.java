package org.xmtpj.testing.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.node.replication.AncestorsRequest;
import org.xmtpj.node.replication.EventsReply;
import org.xmtpj.node.replication.PeerException;
import org.xmtpj.node.replication.ReplicationHandler;
import org.xmtpj.node.replication.ReplicationLimits;
import org.xmtpj.node.replication.VectorReply;
import org.xmtpj.store.TopicSummary;

/** The network model itself: loss, duplication, reordering, partitions, frame limits, error propagation. */
class SimNetworkTest {
  private static final OriginKey A = key(1);
  private static final OriginKey B = key(2);

  private final SimScheduler scheduler = new SimScheduler();
  private final SimNetwork network = new SimNetwork(scheduler, new SplittableRandom(42), ReplicationLimits.DEFAULTS);
  private final Recorder b = new Recorder();
  private final SimPeerClient client = new SimPeerClient(network, A, B);

  SimNetworkTest() {
    network.attach(B, "b", b);
  }

  @Test
  void shouldFailWithDeadlineExceededAtTheTimeoutWhenALegIsLost() {
    network.setFaults(new FaultProfile(1, 0, 1, 5, 2_000));
    CompletableFuture<VectorReply> f = client.vector();
    scheduler.runUntil(scheduler.nowMs() + 1_999);
    assertThat(f).isNotDone();
    scheduler.runUntil(scheduler.nowMs() + 1);
    assertThat(failure(f).kind()).isEqualTo(PeerException.Kind.UNAVAILABLE);
    assertThat(failure(f).getMessage()).startsWith("DEADLINE_EXCEEDED");
    assertThat(network.idle()).isTrue();
  }

  @Test
  void shouldDeliverADuplicatedPushUpToThreeTimesAndCompleteOnce() {
    network.setFaults(new FaultProfile(0, 1, 1, 5, 2_000));
    CompletableFuture<Void> f = client.push(List.of(new byte[] {1}));
    scheduler.runUntil(scheduler.nowMs() + 100);
    assertThat(b.pushes).hasSize(SimNetwork.MAX_COPIES);
    assertThat(f).isCompleted();
  }

  @Test
  void shouldReorderMessagesWithUniformDelays() {
    network.setFaults(FaultProfile.NONE.withDelays(1, 200));
    for (int i = 0; i < 50; i++) {
      client.push(List.of(new byte[] {(byte) i}));
    }
    scheduler.runUntil(scheduler.nowMs() + 1_000);
    List<Integer> order = b.pushes.stream().map(p -> (int) p.get(0)[0]).toList();
    assertThat(order).hasSize(50).doesNotHaveDuplicates().isNotEqualTo(order.stream().sorted().toList());
  }

  @Test
  void shouldRefuseAnOversizedRequestFrameBeforeTheHandler() {
    CompletableFuture<Void> f = client.push(List.of(new byte[ReplicationLimits.DEFAULTS.maxFrameBytes()]));
    scheduler.runUntil(scheduler.nowMs() + 100);
    assertThat(failure(f).kind()).isEqualTo(PeerException.Kind.INVALID);
    assertThat(failure(f).getMessage()).startsWith("RESOURCE_EXHAUSTED");
    assertThat(b.pushes).isEmpty();
  }

  @Test
  void shouldFailTheCallerWithProtocolWhenTheAnswerExceedsTheFrame() {
    b.answer = List.of(new byte[3 << 20], new byte[2 << 20]);
    CompletableFuture<EventsReply> f = client.originRange(A, 1, 10, 1 << 20);
    scheduler.runUntil(scheduler.nowMs() + 100);
    assertThat(failure(f).kind()).isEqualTo(PeerException.Kind.PROTOCOL);
  }

  @Test
  void shouldPassTheHandlersRefusalToTheCaller() {
    b.refuse = true;
    CompletableFuture<VectorReply> f = client.vector();
    scheduler.runUntil(scheduler.nowMs() + 100);
    assertThat(failure(f).kind()).isEqualTo(PeerException.Kind.REFUSED);
    assertThat(network.serverErrors()).isEmpty();
  }

  @Test
  void shouldCarryNothingAcrossAPartitionOrACutLinkUntilHealed() {
    network.partition(List.of(A), List.of(B));
    CompletableFuture<VectorReply> partitioned = client.vector();
    scheduler.runUntil(scheduler.nowMs() + 3_000);
    assertThat(failure(partitioned).getMessage()).startsWith("DEADLINE_EXCEEDED");
    network.heal();
    network.cut(A, B);
    CompletableFuture<VectorReply> cut = client.vector();
    scheduler.runUntil(scheduler.nowMs() + 3_000);
    assertThat(failure(cut).getMessage()).startsWith("DEADLINE_EXCEEDED");
    network.restore(A, B);
    CompletableFuture<VectorReply> healed = client.vector();
    scheduler.runUntil(scheduler.nowMs() + 100);
    assertThat(healed).isCompleted();
    assertThat(b.vectorCalls).isEqualTo(1);
  }

  @Test
  void shouldRefuseConnectionsToADetachedNodeQuickly() {
    network.detach(B);
    CompletableFuture<VectorReply> f = client.vector();
    scheduler.runUntil(scheduler.nowMs() + 100);
    assertThat(failure(f).getMessage()).contains("connection refused");
  }

  @Test
  void shouldCountCallsAndBytesPerType() {
    client.push(List.of(new byte[100], new byte[200]));
    client.vector();
    scheduler.runUntil(scheduler.nowMs() + 100);
    assertThat(network.stats().calls(CallType.PUSH)).isEqualTo(1);
    assertThat(network.stats().bytes(CallType.PUSH)).isGreaterThan(300);
    assertThat(network.stats().calls(CallType.VECTOR, A, B)).isEqualTo(1);
    assertThat(network.stats().calls(CallType.VECTOR, B, A)).isZero();
  }

  private static PeerException failure(CompletableFuture<?> f) {
    assertThat(f).isCompletedExceptionally();
    return (PeerException) f.exceptionNow();
  }

  private static OriginKey key(int b) {
    byte[] k = new byte[32];
    k[0] = (byte) b;
    return new OriginKey(k);
  }

  /** A handler that records pushes and answers what it is told. */
  private static final class Recorder implements ReplicationHandler {
    final List<List<byte[]>> pushes = new ArrayList<>();
    List<byte[]> answer = List.of();
    boolean refuse;
    int vectorCalls;

    @Override
    public void push(OriginKey from, List<byte[]> events) {
      pushes.add(events);
    }

    @Override
    public VectorReply vector(OriginKey from) {
      if (refuse) {
        throw new PeerException(PeerException.Kind.REFUSED, "peer is banned");
      }
      vectorCalls++;
      return new VectorReply(Map.of(), new byte[32]);
    }

    @Override
    public EventsReply originRange(OriginKey from, OriginKey origin, long fromSeq, int maxEvents, long maxBytes) {
      return EventsReply.of(answer, false);
    }

    @Override
    public EventsReply ancestors(OriginKey from, AncestorsRequest request) {
      return EventsReply.of(answer, false);
    }

    @Override
    public EventsReply events(OriginKey from, List<EventId> ids) {
      return EventsReply.of(answer, false);
    }

    @Override
    public List<TopicSummary> topics(OriginKey from, TopicKey after, int limit) {
      return List.of();
    }

    @Override
    public EventsReply topicRange(OriginKey from, TopicKey topic, long afterRow, int maxEvents, long maxBytes) {
      return EventsReply.of(answer, false);
    }

    @Override
    public byte[][] buckets(OriginKey from) {
      return new byte[256][32];
    }

    @Override
    public List<TopicSummary> bucket(OriginKey from, int bucket) {
      return List.of();
    }

    @Override
    public Map<TopicKey, List<EventId>> heads(OriginKey from, List<TopicKey> topics) {
      return Map.of();
    }
  }
}
