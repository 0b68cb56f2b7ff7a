package org.xmtpj.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.xmtp.proto.message.api.v1.Envelope;
import org.xmtp.proto.message.api.v1.MessageApiGrpc;
import org.xmtp.proto.message.api.v1.SubscribeAllRequest;
import org.xmtp.proto.message.api.v1.SubscribeRequest;
import org.xmtpj.node.subscribe.StreamLimits;

/**
 * One client cannot take a node's streams (issue 13, finding 2: no cap on open streams, each naming 10,000 topics,
 * and SubscribeAll streams that add work per envelope on the writer thread). Over gRPC, as a stranger would.
 */
@Timeout(60) // without the limits, an HTTP stream that should be refused streams for ever
class StreamLimitsTest {
  @TempDir
  Path dir;
  NodeFixture f;
  ManagedChannel channel;
  final List<ClientCallStreamObserver<?>> open = new ArrayList<>();

  private void start(UnaryOperator<StreamLimits> limits) throws Exception {
    f = new NodeFixture(dir, c -> c.withLimits(c.limits().withStreams(limits.apply(c.limits().streams()))));
    channel = NettyChannelBuilder.forAddress("127.0.0.1", f.node.grpcPort()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws Exception {
    open.forEach(c -> c.cancel("test over", null));
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (f != null) {
      f.close();
    }
  }

  @Test
  void shouldRefuseTheHundredAndFirstStreamOfOneClientWithResourceExhausted() throws Exception {
    start(l -> l); // the defaults a stranger meets: 100 streams a client
    List<CompletableFuture<Status>> outcomes = new ArrayList<>();
    for (int i = 0; i < 130; i++) {
      outcomes.add(subscribe(List.of("/xmtp/0/m-" + i + "/proto")));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> f.node.subscriptions().activeSubscriptions()
        + outcomes.stream().filter(CompletableFuture::isDone).count() >= 130);
    List<Status> refused = outcomes.stream().filter(CompletableFuture::isDone).map(CompletableFuture::join).toList();
    assertThat(f.node.subscriptions().activeSubscriptions()).as("streams the node holds for one client")
        .isEqualTo(100);
    assertThat(refused).hasSize(30).allSatisfy(s -> {
      assertThat(s.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(s.getDescription()).contains("limits.maxStreamsPerClient");
    });
  }

  @Test
  void shouldRefuseTopicsPastTheClientsBudgetAndTakeThemAgainOnceAStreamCloses() throws Exception {
    start(l -> new StreamLimits(l.maxStreams(), l.maxStreamsPerClient(), l.maxSubscribeAllStreams(), l.maxTopics(),
        15_000));
    List<String> tenThousand = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      tenThousand.add("/xmtp/0/m-" + i + "/proto");
    }
    CompletableFuture<Status> first = subscribe(tenThousand);
    await().atMost(Duration.ofSeconds(10)).until(() -> f.node.subscriptions().activeSubscriptions() == 1);
    Status second = subscribe(tenThousand).get(10, TimeUnit.SECONDS);
    assertThat(second.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(second.getDescription()).contains("limits.maxTopicsPerClient");

    open.get(0).cancel("done with it", null);
    assertThat(first.get(10, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.CANCELLED);
    await().atMost(Duration.ofSeconds(10)).until(() -> f.node.subscriptions().clientsWithStreams() == 0);
    subscribe(tenThousand);
    await().atMost(Duration.ofSeconds(10)).until(() -> f.node.subscriptions().activeSubscriptions() == 1);
  }

  @Test
  void shouldEndASubscribe2StreamWhoseTopicChangePassesTheBudgetAndGiveItsRoomBack() throws Exception {
    start(l -> new StreamLimits(l.maxStreams(), l.maxStreamsPerClient(), l.maxSubscribeAllStreams(), l.maxTopics(),
        3));
    CompletableFuture<Status> outcome = new CompletableFuture<>();
    StreamObserver<SubscribeRequest> control = MessageApiGrpc.newStub(channel).subscribe2(observer(outcome));
    control.onNext(SubscribeRequest.newBuilder().addContentTopics("/xmtp/0/a/proto").build());
    await().atMost(Duration.ofSeconds(10)).until(() -> f.node.subscriptions().activeSubscriptions() == 1);
    control.onNext(SubscribeRequest.newBuilder().addAllContentTopics(List.of("/xmtp/0/a/proto", "/xmtp/0/b/proto",
        "/xmtp/0/c/proto", "/xmtp/0/d/proto")).build());
    Status s = outcome.get(10, TimeUnit.SECONDS);
    assertThat(s.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(s.getDescription()).contains("limits.maxTopicsPerClient");
    await().atMost(Duration.ofSeconds(10)).until(() -> f.node.subscriptions().clientsWithStreams() == 0);
  }

  @Test
  void shouldKeepOneClientFromTakingEverySubscribeAllPlaceOfTheNode() throws Exception {
    start(l -> new StreamLimits(l.maxStreams(), l.maxStreamsPerClient(), 16, l.maxTopics(), l.maxTopicsPerClient(),
        2));
    for (int i = 0; i < 2; i++) {
      MessageApiGrpc.newStub(channel).subscribeAll(SubscribeAllRequest.getDefaultInstance(),
          observer(new CompletableFuture<>()));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> f.node.subscriptions().activeSubscriptions() == 2);
    CompletableFuture<Status> third = new CompletableFuture<>();
    MessageApiGrpc.newStub(channel).subscribeAll(SubscribeAllRequest.getDefaultInstance(), observer(third));
    Status s = third.get(10, TimeUnit.SECONDS);
    assertThat(s.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(s.getDescription()).contains("limits.maxSubscribeAllPerClient");
    subscribe(List.of("/xmtp/0/m/proto")); // its topic streams are not limited by it
    await().atMost(Duration.ofSeconds(10)).until(() -> f.node.subscriptions().activeSubscriptions() == 3);
  }

  @Test
  void shouldCapSubscribeAllStreamsOnTheNode() throws Exception {
    start(l -> new StreamLimits(l.maxStreams(), l.maxStreamsPerClient(), 2, l.maxTopics(), l.maxTopicsPerClient()));
    List<CompletableFuture<Status>> outcomes = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      CompletableFuture<Status> o = new CompletableFuture<>();
      MessageApiGrpc.newStub(channel).subscribeAll(SubscribeAllRequest.getDefaultInstance(), observer(o));
      outcomes.add(o);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> f.node.subscriptions().activeSubscriptions() == 2);
    CompletableFuture<Status> third = new CompletableFuture<>();
    MessageApiGrpc.newStub(channel).subscribeAll(SubscribeAllRequest.getDefaultInstance(), observer(third));
    Status s = third.get(10, TimeUnit.SECONDS);
    assertThat(s.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(s.getDescription()).contains("limits.maxSubscribeAllStreams");
    subscribe(List.of("/xmtp/0/m/proto")); // a topic stream is not a SubscribeAll stream: it still opens
    await().atMost(Duration.ofSeconds(10)).until(() -> f.node.subscriptions().activeSubscriptions() == 3);
  }

  @Test
  void shouldAnswerARefusedHttpStreamWith429BeforeAnyHeadersOfAStream() throws Exception {
    start(l -> new StreamLimits(l.maxStreams(), 1, l.maxSubscribeAllStreams(), l.maxTopics(),
        l.maxTopicsPerClient()));
    subscribe(List.of("/xmtp/0/m/proto")); // gRPC and HTTP from one address are one client
    await().atMost(Duration.ofSeconds(10)).until(() -> f.node.subscriptions().activeSubscriptions() == 1);
    HttpResponse<String> r = f.post("/message/v1/subscribe", "{\"contentTopics\":[\"/xmtp/0/m/proto\"]}");
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.body()).startsWith("{\"code\":8,").contains("limits.maxStreamsPerClient");
    assertThat(r.headers().firstValue("Grpc-Metadata-Subscribed")).isEmpty();
  }

  private CompletableFuture<Status> subscribe(List<String> topics) {
    CompletableFuture<Status> outcome = new CompletableFuture<>();
    MessageApiGrpc.newStub(channel).subscribe(SubscribeRequest.newBuilder().addAllContentTopics(topics).build(),
        observer(outcome));
    return outcome;
  }

  /** Completes with the stream's final status; keeps the call so the test can cancel it. */
  private <T> ClientResponseObserver<T, Envelope> observer(CompletableFuture<Status> outcome) {
    return new ClientResponseObserver<>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<T> call) {
        synchronized (open) {
          open.add(call);
        }
      }

      @Override
      public void onNext(Envelope value) {}

      @Override
      public void onError(Throwable t) {
        outcome.complete(Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        outcome.complete(Status.OK);
      }
    };
  }
}
