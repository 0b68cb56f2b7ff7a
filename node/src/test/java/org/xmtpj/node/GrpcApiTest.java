package org.xmtpj.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
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
    BlockingQueue<Envelope> one = new ArrayBlockingQueue<>(100);
    BlockingQueue<Envelope> all = new ArrayBlockingQueue<>(100);
    BlockingQueue<Envelope> two = new ArrayBlockingQueue<>(100);
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
    assertThat(two.poll(10, TimeUnit.SECONDS).getTimestampNs()).isEqualTo(3);
    assertThat(one.poll(10, TimeUnit.SECONDS).getTimestampNs()).isEqualTo(2);
    control.onCompleted();
  }

  /** Probes the new topic until the Subscribe2 change has taken effect (the server gives no other signal). */
  private static void awaitTopicChange(MessageApiGrpc.MessageApiBlockingStub pub, BlockingQueue<Envelope> stream)
      throws InterruptedException {
    for (int probe = 0; probe < 50; probe++) {
      pub.publish(PublishRequest.newBuilder().addEnvelopes(env("/xmtp/0/m-2/proto", 1000 + probe, probe)).build());
      Envelope got = stream.poll(200, TimeUnit.MILLISECONDS);
      if (got != null && got.getContentTopic().equals("/xmtp/0/m-2/proto")) {
        while (stream.poll(100, TimeUnit.MILLISECONDS) != null) {
          // drain the probes that were still in flight
        }
        return;
      }
    }
    throw new AssertionError("Subscribe2 topic change never took effect");
  }

  private void awaitSubscribers(int n) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (f.node.activeSubscriptions() < n && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertThat(f.node.activeSubscriptions()).isEqualTo(n);
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
