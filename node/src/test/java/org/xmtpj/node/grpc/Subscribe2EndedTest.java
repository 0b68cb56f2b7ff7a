package org.xmtpj.node.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtp.proto.message.api.v1.Envelope;
import org.xmtp.proto.message.api.v1.SubscribeRequest;
import org.xmtpj.crypto.auth.AuthTokenValidator;
import org.xmtpj.node.api.ApiLimits;
import org.xmtpj.node.api.MessageApiCore;
import org.xmtpj.node.metrics.NodeMetrics;
import org.xmtpj.node.ratelimit.RateLimitConfig;
import org.xmtpj.node.ratelimit.RateLimiter;
import org.xmtpj.node.subscribe.StreamLimits;
import org.xmtpj.node.subscribe.SubscriptionHub;
import org.xmtpj.store.EventStore;
import org.xmtpj.store.EventStores;

/**
 * A Subscribe2 stream the node ended stays ended (issue 13, review: the request observer had no done flag). A
 * client that keeps sending requests after its stream was refused got a subscription opened on the closed call for
 * each, which nothing would ever close (no cancel comes after the server closed the call): every such request
 * leaked a place of the client's and of the node's stream budget, for ever. The service is driven directly, so
 * that the requests that follow the refusal are delivered for certain, as gRPC may deliver them.
 */
class Subscribe2EndedTest {
  private static final String TOPIC = "/xmtp/0/m-after-refusal/proto";

  @TempDir
  Path dir;
  private EventStore store;
  private SubscriptionHub hub;
  private MessageApiService service;

  @BeforeEach
  void start() {
    store = EventStores.sqlite(dir);
    NodeMetrics metrics = new NodeMetrics(() -> null);
    hub = new SubscriptionHub(store, 0, 16, Duration.ofSeconds(20), StreamLimits.DEFAULTS, metrics);
    RateLimiter rateLimiter = new RateLimiter(RateLimitConfig.DEFAULTS, System::nanoTime);
    MessageApiCore core = new MessageApiCore(new AuthTokenValidator(Clock.systemUTC(), Duration.ofHours(1)), null,
        store, hub, ApiLimits.DEFAULTS, rateLimiter);
    service = new MessageApiService(core, rateLimiter, metrics);
  }

  @AfterEach
  void stop() throws Exception {
    store.close();
  }

  @Test
  void shouldOpenNoSubscriptionForRequestsThatFollowARefusedFirstRequest() {
    RecordingCall call = new RecordingCall();
    StreamObserver<SubscribeRequest> requests = service.subscribe2(call);
    requests.onNext(SubscribeRequest.newBuilder().addContentTopics("/xmtp/0/" + "x".repeat(400) + "/proto").build());
    requests.onNext(SubscribeRequest.newBuilder().addContentTopics(TOPIC).build());
    requests.onNext(SubscribeRequest.newBuilder().addContentTopics(TOPIC).build());

    assertThat(call.errors).singleElement()
        .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    // subscribing registers at once (see the test below), so an opened one would be counted here already
    assertThat(hub.activeSubscriptions()).as("subscriptions opened on the ended call").isZero();
  }

  @Test
  void shouldKeepAStreamEndedByARefusedChangeEndedAndItsRoomGivenBack() {
    RecordingCall call = new RecordingCall();
    StreamObserver<SubscribeRequest> requests = service.subscribe2(call);
    requests.onNext(SubscribeRequest.newBuilder().addContentTopics(TOPIC).build());
    assertThat(hub.activeSubscriptions()).isEqualTo(1);
    requests.onNext(SubscribeRequest.newBuilder().addContentTopics("/xmtp/0/" + "x".repeat(400) + "/proto").build());
    requests.onNext(SubscribeRequest.newBuilder().addContentTopics(TOPIC).build());

    assertThat(call.errors).as("the call is closed once").hasSize(1);
    // a closed subscription leaves the hub from its delivery thread
    await().atMost(Duration.ofSeconds(10)).until(() -> hub.activeSubscriptions() == 0);
    assertThat(hub.clientsWithStreams()).isZero();
  }

  /** The server side of one call, as far as the service uses it; records how it was closed. */
  private static final class RecordingCall extends ServerCallStreamObserver<Envelope> {
    final List<Throwable> errors = new ArrayList<>();
    boolean closed;

    @Override
    public void onNext(Envelope value) {
      if (closed) {
        throw new IllegalStateException("call is closed");
      }
    }

    @Override
    public void onError(Throwable t) {
      if (closed) {
        throw new IllegalStateException("call already closed"); // what gRPC does
      }
      closed = true;
      errors.add(t);
    }

    @Override
    public void onCompleted() {
      if (closed) {
        throw new IllegalStateException("call already closed");
      }
      closed = true;
    }

    @Override
    public boolean isCancelled() {
      return false; // the server closed it: no cancel follows
    }

    @Override
    public boolean isReady() {
      return !closed;
    }

    @Override
    public void setOnCancelHandler(Runnable handler) {}

    @Override
    public void setOnReadyHandler(Runnable handler) {}

    @Override
    public void setCompression(String compression) {}

    @Override
    public void request(int count) {}

    @Override
    public void setMessageCompression(boolean enable) {}

    @Override
    public void disableAutoInboundFlowControl() {}
  }
}
