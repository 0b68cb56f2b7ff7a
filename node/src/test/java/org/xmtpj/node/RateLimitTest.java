package org.xmtpj.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtpj.node.ratelimit.RateLimitConfig;

class RateLimitTest {
  @TempDir
  Path dir;

  @Test
  void shouldAnswer429WhenAClientExceedsItsPublishBudget() throws Exception {
    try (NodeFixture f = new NodeFixture(dir, c -> c.withRateLimit(new RateLimitConfig(true, 1, 3, 1, 5, 100)))) {
      String t = "/xmtp/0/m-rate/proto";
      for (int i = 0; i < 3; i++) {
        assertThat(f.publish(f.alice, t, i, new byte[] {(byte) i}).statusCode()).isEqualTo(200);
      }
      var refused = f.publish(f.alice, t, 9, new byte[] {9});
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.body()).contains("\"code\":8").contains("publish rate limit exceeded");
      assertThat(HttpGatewayTest.parseQuery(f.query(t, 0, null, null).body()).getEnvelopesCount()).isEqualTo(3);
      for (int i = 0; i < 4; i++) {
        assertThat(f.query(t, 0, null, null).statusCode()).isEqualTo(200);
      }
      var limited = f.query(t, 0, null, null);
      assertThat(limited.statusCode()).isEqualTo(429);
      assertThat(limited.body()).contains("request rate limit exceeded");
    }
  }

  /** Issue 13, finding 10: 20 loopback addresses got 100 publishes through where one address got 5. */
  @Test
  void shouldCountTwentyAddressesOfOneNetworkAsOneClient() throws Exception {
    try (NodeFixture f = new NodeFixture(dir, c -> c.withRateLimit(new RateLimitConfig(true, 1, 5, 1_000, 1_000,
        100)))) {
      int accepted = 0;
      for (int a = 1; a <= 20; a++) {
        HttpClient from = HttpClient.newBuilder().localAddress(InetAddress.getByName("127.0.0." + a)).build();
        NodeFixture.Identity who = NodeFixture.Identity.random(); // a fresh wallet each: only the address is shared
        for (int i = 0; i < 5; i++) {
          accepted += publish(f, from, who, null, a * 100 + i).statusCode() == 200 ? 1 : 0;
        }
      }
      assertThat(accepted).as("publishes accepted from 127.0.0.1-20, one /24").isEqualTo(5);
    }
  }

  @Test
  void shouldTrustXForwardedForOnlyFromAConfiguredProxy() throws Exception {
    RateLimitConfig trusting = new RateLimitConfig(true, 1, 2, 1_000, 1_000, 100, 1 << 20, List.of("127.0.0.1"));
    try (NodeFixture f = new NodeFixture(dir, c -> c.withRateLimit(trusting))) {
      HttpClient proxy = HttpClient.newBuilder().localAddress(InetAddress.getByName("127.0.0.1")).build();
      for (String client : List.of("203.0.113.7", "198.51.100.9")) {
        NodeFixture.Identity who = NodeFixture.Identity.random();
        assertThat(publish(f, proxy, who, "10.9.9.9, " + client, 1).statusCode()).isEqualTo(200);
        assertThat(publish(f, proxy, who, client, 2).statusCode()).isEqualTo(200);
        assertThat(publish(f, proxy, NodeFixture.Identity.random(), client, 3).statusCode())
            .as("the third from %s's network", client).isEqualTo(429);
      }
      HttpClient stranger = HttpClient.newBuilder().localAddress(InetAddress.getByName("127.0.0.2")).build();
      int accepted = 0;
      for (int i = 0; i < 4; i++) { // an untrusted sender's header names a new client each time, and is ignored
        accepted += publish(f, stranger, NodeFixture.Identity.random(), "192.0.2." + i, 10 + i).statusCode() == 200
            ? 1 : 0;
      }
      assertThat(accepted).as("four clients named by an untrusted sender count as its own network: its burst of 2")
          .isEqualTo(2);
    }
  }

  @Test
  void shouldCapTheBytesOneWalletStoresPerDayWhateverItsAddress() throws Exception {
    RateLimitConfig quota = new RateLimitConfig(true, 1_000, 1_000, 1_000, 1_000, 100, 10_000, List.of());
    try (NodeFixture f = new NodeFixture(dir, c -> c.withRateLimit(quota))) {
      for (int i = 0; i < 2; i++) {
        assertThat(f.publish(f.alice, "/xmtp/0/m-quota/proto", i, new byte[4_000]).statusCode()).isEqualTo(200);
      }
      HttpResponse<String> refused = f.publish(f.alice, "/xmtp/0/m-quota/proto", 3, new byte[4_000]);
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.body()).contains("rateLimit.walletBytesPerDay");
      assertThat(f.publish(NodeFixture.Identity.random(), "/xmtp/0/m-quota/proto", 4, new byte[4_000]).statusCode())
          .as("another wallet has its own quota").isEqualTo(200);
    }
  }

  private static HttpResponse<String> publish(NodeFixture f, HttpClient from, NodeFixture.Identity who,
      String forwardedFor, long ts) throws Exception {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(f.url("/message/v1/publish")))
        .timeout(Duration.ofSeconds(30)).header("Authorization", who.token())
        .POST(HttpRequest.BodyPublishers.ofString("{\"envelopes\":[" + NodeFixture.envelopeJson(
            "/xmtp/0/m-net/proto", ts, new byte[] {(byte) ts}) + "]}"));
    if (forwardedFor != null) {
      req.header("X-Forwarded-For", forwardedFor);
    }
    return from.send(req.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Issue 13, finding 3: the gRPC CheckpointApi had no rate limit, and a proof reads a whole topic. */
  @Test
  void shouldChargeInclusionProofsOnBothTransportsAsTwentyRequests() throws Exception {
    try (NodeFixture f = new NodeFixture(dir, c -> c.withRateLimit(new RateLimitConfig(true, 1, 1, 1, 40, 100)));
        var channel = new AutoCloseableChannel(f.node.grpcPort())) {
      var stub = org.xmtpj.proto.checkpoint.v1.CheckpointApiGrpc.newBlockingStub(channel.channel);
      var request = org.xmtpj.proto.checkpoint.v1.InclusionProofRequest.newBuilder()
          .setContentTopic("/xmtp/0/m/proto").setMessageId(com.google.protobuf.ByteString.copyFrom(new byte[32]))
          .build();
      for (int i = 0; i < 2; i++) {
        assertThatThrownBy(() -> stub.getInclusionProof(request)).hasMessageContaining("UNIMPLEMENTED");
      }
      assertThatThrownBy(() -> stub.getInclusionProof(request)).hasMessageContaining("RESOURCE_EXHAUSTED")
          .hasMessageContaining("request rate limit exceeded");
      HttpResponse<String> http = f.post("/checkpoint/v1/inclusion-proof", "{}");
      assertThat(http.statusCode()).as("the same bucket over HTTP").isEqualTo(429);
    }
  }

  private static final class AutoCloseableChannel implements AutoCloseable {
    final io.grpc.ManagedChannel channel;

    AutoCloseableChannel(int port) {
      channel = io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
          .build();
    }

    @Override
    public void close() throws InterruptedException {
      channel.shutdownNow().awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
    }
  }
}
