package org.xmtpj.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtp.proto.message.api.v1.BatchQueryRequest;
import org.xmtp.proto.message.api.v1.Envelope;
import org.xmtp.proto.message.api.v1.MessageApiGrpc;
import org.xmtp.proto.message.api.v1.PagingInfo;
import org.xmtp.proto.message.api.v1.PublishRequest;
import org.xmtp.proto.message.api.v1.QueryRequest;
import org.xmtp.proto.message.api.v1.SortDirection;
import org.xmtp.proto.message.api.v1.SubscribeAllRequest;
import org.xmtp.proto.message.api.v1.SubscribeRequest;

/** The same API over gRPC (HTTP/2), with the codes a gRPC client expects. */
class GrpcApiTest {
  @TempDir
  Path dir;
  NodeFixture f;
  ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    f = new NodeFixture(dir);
    channel = NettyChannelBuilder.forAddress("127.0.0.1", f.node.grpcPort()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    f.close();
  }

  private MessageApiGrpc.MessageApiBlockingStub authed(NodeFixture.Identity who) {
    Metadata md = new Metadata();
    md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), who.token());
    return MessageApiGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
  }

  private static Envelope env(String topic, long ts, int b) {
    return Envelope.newBuilder().setContentTopic(topic).setTimestampNs(ts).setMessage(ByteString.copyFrom(
        new byte[] {(byte) b})).build();
  }

  private static QueryRequest query(String topic) {
    return QueryRequest.newBuilder().addContentTopics(topic)
        .setPagingInfo(PagingInfo.newBuilder().setDirection(SortDirection.SORT_DIRECTION_ASCENDING)).build();
  }

  @Test
  void shouldPublishAndQueryOverGrpc() {
    authed(f.alice).publish(PublishRequest.newBuilder().addEnvelopes(env("/xmtp/0/m-g/proto", 2, 2))
        .addEnvelopes(env("/xmtp/0/m-g/proto", 1, 1)).build());
    var r = MessageApiGrpc.newBlockingStub(channel).query(query("/xmtp/0/m-g/proto"));
    assertThat(r.getEnvelopesList()).extracting(Envelope::getTimestampNs).containsExactly(1L, 2L);
    var batch = MessageApiGrpc.newBlockingStub(channel).batchQuery(BatchQueryRequest.newBuilder()
        .addRequests(query("/xmtp/0/m-g/proto")).addRequests(query("/xmtp/0/none/proto")).build());
    assertThat(batch.getResponses(0).getEnvelopesCount()).isEqualTo(2);
    assertThat(batch.getResponses(1).getEnvelopesCount()).isZero();
  }

  @Test
  void shouldMapErrorsToGrpcStatusCodes() {
    var anon = MessageApiGrpc.newBlockingStub(channel);
    assertThatThrownBy(() -> anon.publish(PublishRequest.newBuilder().addEnvelopes(env("/xmtp/0/m/proto", 1, 1))
        .build())).isInstanceOf(StatusRuntimeException.class).hasMessageContaining("UNAUTHENTICATED");
    assertThatThrownBy(() -> anon.query(QueryRequest.getDefaultInstance()))
        .hasMessageContaining("INVALID_ARGUMENT").hasMessageContaining("content topics required");
    String other = "/xmtp/0/contact-" + NodeFixture.Identity.random().address() + "/proto";
    assertThatThrownBy(() -> authed(f.alice).publish(PublishRequest.newBuilder().addEnvelopes(env(other, 1, 1))
        .build())).hasMessageContaining("PERMISSION_DENIED");
    byte[] huge = new byte[9 * 1024 * 1024];
    assertThatThrownBy(() -> authed(f.alice).publish(PublishRequest.newBuilder().addEnvelopes(
        Envelope.newBuilder().setContentTopic("/xmtp/0/m/proto").setMessage(ByteString.copyFrom(huge))).build()))
        .hasMessageContaining("RESOURCE_EXHAUSTED");
    assertThat(anon.query(query("/xmtp/0/m/proto")).getEnvelopesCount()).isZero();
  }

  @Test
  void shouldStreamToSubscribeSubscribeAllAndSubscribe2() throws Exception {
    var async = MessageApiGrpc.newStub(channel);
    BlockingQueue<Envelope> one = new ArrayBlockingQueue<>(1000);
    BlockingQueue<Envelope> all = new ArrayBlockingQueue<>(1000);
    BlockingQueue<Envelope> two = new ArrayBlockingQueue<>(1000);
    async.subscribe(SubscribeRequest.newBuilder().addContentTopics("/xmtp/0/m-1/proto").build(), collect(one));
    async.subscribeAll(SubscribeAllRequest.getDefaultInstance(), collect(all));
    StreamObserver<SubscribeRequest> control = async.subscribe2(collect(two));
    control.onNext(SubscribeRequest.newBuilder().addContentTopics("/xmtp/0/m-1/proto").build());
    awaitSubscribers(3);
    var pub = authed(f.alice);
    pub.publish(PublishRequest.newBuilder().addEnvelopes(env("/xmtp/0/m-1/proto", 1, 1)).build());
    assertThat(one.poll(10, TimeUnit.SECONDS).getTimestampNs()).isEqualTo(1);
    assertThat(all.poll(10, TimeUnit.SECONDS).getTimestampNs()).isEqualTo(1);
    assertThat(two.poll(10, TimeUnit.SECONDS).getTimestampNs()).isEqualTo(1);
    control.onNext(SubscribeRequest.newBuilder().addContentTopics("/xmtp/0/m-2/proto").build());
    awaitTopicChange(pub, two);
    pub.publish(PublishRequest.newBuilder().addEnvelopes(env("/xmtp/0/m-1/proto", 2, 2)).build());
    pub.publish(PublishRequest.newBuilder().addEnvelopes(env("/xmtp/0/m-2/proto", 3, 3)).build());
    // m-1's envelope 2 was published before 3: 3 arriving first shows two no longer follows m-1
    assertThat(next(two).getTimestampNs()).isEqualTo(3);
    assertThat(next(one).getTimestampNs()).isEqualTo(2);
    control.onCompleted();
  }

  private static final long PROBE_TS = 1000;

  /**
   * Probes until the Subscribe2 change has fully taken effect (the server gives no other signal). Each round
   * publishes a probe on the old topic, then one on the new; the stream delivers in commit order, so a round whose
   * new-topic probe arrived without its old-topic probe before it proves the new topic was added and the old one
   * dropped. Probes that arrive later are skipped by {@link #next}, by their timestamps, rather than drained by
   * waiting.
   */
  private static void awaitTopicChange(MessageApiGrpc.MessageApiBlockingStub pub, BlockingQueue<Envelope> stream) {
    AtomicInteger round = new AtomicInteger();
    List<Envelope> seen = new ArrayList<>();
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
      int r = round.getAndIncrement();
      pub.publish(PublishRequest.newBuilder().addEnvelopes(env("/xmtp/0/m-1/proto", PROBE_TS + 2L * r, r)).build());
      pub.publish(PublishRequest.newBuilder().addEnvelopes(env("/xmtp/0/m-2/proto", PROBE_TS + 2L * r + 1, r))
          .build());
      stream.drainTo(seen);
      return seen.stream().anyMatch(e -> e.getContentTopic().equals("/xmtp/0/m-2/proto")
          && seen.stream().noneMatch(old -> old.getTimestampNs() == e.getTimestampNs() - 1));
    });
  }

  /** The next envelope that is not a topic-change probe, within 10 s. */
  private static Envelope next(BlockingQueue<Envelope> stream) throws InterruptedException {
    while (true) {
      Envelope e = stream.poll(10, TimeUnit.SECONDS);
      assertThat(e).as("an envelope within 10 s").isNotNull();
      if (e.getTimestampNs() < PROBE_TS) {
        return e;
      }
    }
  }

  private void awaitSubscribers(int n) {
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(f.node.activeSubscriptions()).isEqualTo(n));
  }

  private static StreamObserver<Envelope> collect(BlockingQueue<Envelope> q) {
    return new StreamObserver<>() {
      @Override
      public void onNext(Envelope e) {
        q.add(e);
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    };
  }

  @Test
  void shouldListServicesThroughReflection() throws Exception {
    BlockingQueue<io.grpc.reflection.v1.ServerReflectionResponse> answers = new ArrayBlockingQueue<>(1);
    var requests = io.grpc.reflection.v1.ServerReflectionGrpc.newStub(channel).serverReflectionInfo(
        new StreamObserver<>() {
          @Override
          public void onNext(io.grpc.reflection.v1.ServerReflectionResponse r) {
            answers.add(r);
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {}
        });
    requests.onNext(io.grpc.reflection.v1.ServerReflectionRequest.newBuilder().setListServices("").build());
    var services = answers.poll(10, TimeUnit.SECONDS).getListServicesResponse().getServiceList();
    requests.onCompleted();
    assertThat(services).extracting(io.grpc.reflection.v1.ServiceResponse::getName)
        .contains("xmtp.message_api.v1.MessageApi", "grpc.health.v1.Health");
  }

  @Test
  void shouldReportServingOnGrpcHealth() {
    HealthCheckResponse r = HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.newBuilder()
        .setService("xmtp.message_api.v1.MessageApi").build());
    assertThat(r.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
  }
}
