package org.xmtpj.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtp.proto.message.api.v1.BatchQueryResponse;
import org.xmtp.proto.message.api.v1.Envelope;
import org.xmtp.proto.message.api.v1.QueryResponse;

/** The HTTP/JSON gateway as xmtp-js sees it: real server on loopback, real HTTP client. */
class HttpGatewayTest {
  @TempDir
  Path dir;
  NodeFixture f;

  @BeforeEach
  void start() throws Exception {
    f = new NodeFixture(dir);
  }

  @AfterEach
  void stop() {
    f.close();
  }

  static QueryResponse parseQuery(String json) throws Exception {
    QueryResponse.Builder b = QueryResponse.newBuilder();
    JsonFormat.parser().merge(json, b);
    return b.build();
  }

  private static String topic(String name) {
    return "/xmtp/0/" + name + "/proto";
  }

  @Test
  void shouldStorePublishedEnvelopeAndReturnItUnchanged() throws Exception {
    HttpResponse<String> pub = f.publish(f.alice, topic("m-a"), 1_700_000_000_123_000_000L, new byte[] {1, 2, 3});
    assertThat(pub.statusCode()).isEqualTo(200);
    assertThat(pub.body()).isEqualTo("{}");
    HttpResponse<String> q = f.query(topic("m-a"), 0, null, null);
    assertThat(q.statusCode()).isEqualTo(200);
    assertThat(q.body()).contains("\"timestampNs\":\"1700000000123000000\"").contains("\"message\":\"AQID\"")
        .contains("\"contentTopic\":\"/xmtp/0/m-a/proto\"").doesNotContain("\n");
  }

  @Test
  void shouldPageMoreThan100EnvelopesWithCursorsInBothDirections() throws Exception {
    List<Long> sent = new ArrayList<>();
    StringBuilder batch = new StringBuilder();
    for (int i = 0; i < 105; i++) {
      long ts = 1_000_000L + i * 7 % 105;
      sent.add(ts);
      batch.setLength(0);
      batch.append("{\"envelopes\":[").append(NodeFixture.envelopeJson(topic("m-p"), ts, ("m" + i).getBytes()))
          .append("]}");
      assertThat(f.post("/message/v1/publish", batch.toString(), f.alice.token()).statusCode()).isEqualTo(200);
    }
    for (String direction : List.of("SORT_DIRECTION_ASCENDING", "SORT_DIRECTION_DESCENDING")) {
      List<Long> seen = new ArrayList<>();
      String cursor = null;
      int pages = 0;
      do {
        QueryResponse r = parseQuery(f.query(topic("m-p"), 100, direction, cursor).body());
        r.getEnvelopesList().forEach(e -> seen.add(e.getTimestampNs()));
        cursor = r.getPagingInfo().hasCursor() ? JsonFormat.printer().print(r.getPagingInfo().getCursor()) : null;
        pages++;
      } while (cursor != null);
      List<Long> expected = sent.stream().sorted().toList();
      if (direction.endsWith("DESCENDING")) {
        expected = expected.reversed();
      }
      assertThat(seen).as(direction).isEqualTo(expected);
      assertThat(pages).isEqualTo(2);
    }
  }

  @Test
  void shouldDefaultToDescendingAndFilterInclusiveTimeRange() throws Exception {
    for (long ts = 1; ts <= 5; ts++) {
      f.publish(f.alice, topic("m-t"), ts * 10, ("t" + ts).getBytes());
    }
    QueryResponse all = parseQuery(f.query(topic("m-t"), 0, null, null).body());
    assertThat(all.getEnvelopesList()).extracting(Envelope::getTimestampNs).containsExactly(50L, 40L, 30L, 20L, 10L);
    QueryResponse range = parseQuery(f.post("/message/v1/query", "{\"contentTopics\":[\"" + topic("m-t")
        + "\"],\"startTimeNs\":\"20\",\"endTimeNs\":\"40\",\"pagingInfo\":{\"direction\":\"SORT_DIRECTION_ASCENDING\"}}")
        .body());
    assertThat(range.getEnvelopesList()).extracting(Envelope::getTimestampNs).containsExactly(20L, 30L, 40L);
  }

  @Test
  void shouldAnswerBatchQueryInRequestOrderAndRejectOversizedBatches() throws Exception {
    f.publish(f.alice, topic("m-b1"), 1, new byte[] {1});
    f.publish(f.alice, topic("m-b2"), 2, new byte[] {2});
    String body = "{\"requests\":[{\"contentTopics\":[\"" + topic("m-b2") + "\"]},{\"contentTopics\":[\""
        + topic("none") + "\"]},{\"contentTopics\":[\"" + topic("m-b1") + "\"]}]}";
    HttpResponse<String> r = f.post("/message/v1/batch-query", body);
    BatchQueryResponse.Builder b = BatchQueryResponse.newBuilder();
    JsonFormat.parser().merge(r.body(), b);
    assertThat(b.getResponsesList()).hasSize(3);
    assertThat(b.getResponses(0).getEnvelopes(0).getTimestampNs()).isEqualTo(2);
    assertThat(b.getResponses(1).getEnvelopesList()).isEmpty();
    assertThat(b.getResponses(2).getEnvelopes(0).getTimestampNs()).isEqualTo(1);
    StringBuilder big = new StringBuilder("{\"requests\":[");
    for (int i = 0; i < 51; i++) {
      big.append(i == 0 ? "" : ",").append("{\"contentTopics\":[\"").append(topic("x" + i)).append("\"]}");
    }
    HttpResponse<String> tooMany = f.post("/message/v1/batch-query", big.append("]}").toString());
    assertThat(tooMany.statusCode()).isEqualTo(400);
    assertThat(tooMany.body()).contains("\"code\":3").contains("at most 50");
  }

  @Test
  void shouldRelayEphemeralEnvelopesWithoutStoringThem() throws Exception {
    try (StreamReader stream = StreamReader.open(f, List.of(topic("mE-e")))) {
      assertThat(f.publish(f.alice, topic("mE-e"), 5, new byte[] {9}).statusCode()).isEqualTo(200);
      assertThat(stream.next()).contains("\"message\":\"CQ==\"");
    }
    assertThat(parseQuery(f.query(topic("mE-e"), 0, null, null).body()).getEnvelopesList()).isEmpty();
  }

  @Test
  void shouldStoreDuplicateOnceButStillRelayIt() throws Exception {
    f.publish(f.alice, topic("m-d"), 5, new byte[] {7});
    try (StreamReader stream = StreamReader.open(f, List.of(topic("m-d")))) {
      assertThat(f.publish(f.alice, topic("m-d"), 6, new byte[] {7}).statusCode()).isEqualTo(200);
      assertThat(stream.next()).contains("\"timestampNs\":\"6\"");
    }
    assertThat(parseQuery(f.query(topic("m-d"), 0, null, null).body()).getEnvelopesList()).hasSize(1);
  }

  @Test
  void shouldStreamEnvelopesAsOneJsonObjectPerLine() throws Exception {
    try (StreamReader stream = StreamReader.open(f, List.of(topic("m-s1"), topic("m-s2")))) {
      assertThat(stream.headers().firstValue("grpc-metadata-subscribed")).hasValue("true");
      f.publish(f.alice, topic("m-s2"), 11, "x".getBytes());
      f.publish(f.alice, topic("m-other"), 12, "y".getBytes());
      f.publish(f.alice, topic("m-s1"), 13, "z".getBytes());
      assertThat(stream.next()).isEqualTo("{\"result\":{\"contentTopic\":\"/xmtp/0/m-s2/proto\","
          + "\"timestampNs\":\"11\",\"message\":\"" + Base64.getEncoder().encodeToString("x".getBytes()) + "\"}}");
      assertThat(stream.next()).contains("m-s1").contains("\"timestampNs\":\"13\"");
    }
  }

  @Test
  void shouldAnswerCorsPreflightAndTagResponses() throws Exception {
    var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(f.url("/message/v1/publish")))
        .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody())
        .header("Origin", "https://app.example").header("Access-Control-Request-Method", "POST").build();
    HttpResponse<String> r = f.http.send(req, HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(204);
    assertThat(r.headers().firstValue("access-control-allow-headers").orElse(""))
        .contains("Authorization").contains("X-Client-Version").contains("X-App-Version");
    assertThat(f.query(topic("x"), 0, null, null).headers().firstValue("access-control-allow-origin"))
        .hasValue("*");
  }

  @Test
  void shouldAcceptDoubleSlashPathsFromTrailingSlashApiUrls() throws Exception {
    assertThat(f.post("//message/v1/query", "{\"contentTopics\":[\"" + topic("x") + "\"]}").statusCode())
        .isEqualTo(200);
  }

  @Test
  void shouldServeHealthAndMetrics() throws Exception {
    f.publish(f.alice, topic("m-metrics"), 1, new byte[] {1});
    var health = f.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(f.url("/healthz"))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    var metrics = f.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(f.url("/metrics"))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.body()).contains("xmtpd_api_requests_total{method=\"publish\",transport=\"http\"} 1")
        .contains("xmtpd_store_events 1").contains("xmtpd_store_commit_seconds_bucket")
        .contains("xmtpd_subscribers");
  }

  @Test
  void shouldCountASubscriptionOnceItIsRegistered() throws Exception {
    assertThat(subscriptionsOpened("http")).isZero();
    assertThat(subscriptionsOpened("grpc")).isZero();
    try (StreamReader stream = StreamReader.open(f, List.of(topic("m-opened")))) {
      // the stream's headers are out, so the count must already include it
      assertThat(subscriptionsOpened("http")).isEqualTo(1);
      f.publish(f.alice, topic("m-opened"), 1, new byte[] {1});
      assertThat(stream.next()).contains("m-opened");
    }
    try (StreamReader again = StreamReader.open(f, List.of(topic("m-opened")))) {
      // a close never takes the count back; and /metrics is public, so it names no topic
      assertThat(subscriptionsOpened("http")).isEqualTo(2);
      assertThat(subscriptionsOpened("grpc")).isZero();
      assertThat(metricsText()).doesNotContain("m-opened");
    }
  }

  private double subscriptionsOpened(String transport) throws Exception {
    String prefix = "xmtpd_subscriptions_opened_total{transport=\"" + transport + "\"} ";
    return metricsText().lines().filter(l -> l.startsWith(prefix)).mapToDouble(l ->
        Double.parseDouble(l.substring(prefix.length()))).findFirst().orElseThrow();
  }

  private String metricsText() throws Exception {
    return f.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(f.url("/metrics"))).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  @Test
  void shouldAnswerUnknownRoutesWithJsonNotFound() throws Exception {
    HttpResponse<String> r = f.post("/message/v1/nope", "{}");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).startsWith("{\"code\":5,");
  }
}
