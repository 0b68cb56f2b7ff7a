package org.xmtpj.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xmtpj.node.api.ApiLimits;

/** Bad input gets the right code and a message that says what is wrong, changes nothing, and the node goes on. */
class BadInputTest {
  private static final String T = "/xmtp/0/m-bad/proto";
  @TempDir
  Path dir;
  NodeFixture f;

  @BeforeEach
  void start() throws Exception {
    f = new NodeFixture(dir, c -> c.withLimits(new ApiLimits(80, 64, 3, 10, 20, 2, 2, 3, 4096, 1 << 20,
        org.xmtpj.node.subscribe.StreamLimits.DEFAULTS)));
  }

  @AfterEach
  void stop() {
    f.close();
  }

  static Stream<Arguments> badRequests() {
    String env = NodeFixture.envelopeJson(T, 1, new byte[] {1});
    return Stream.of(
        Arguments.of("malformed JSON", "/message/v1/publish", "{\"envelopes\":[", 400, 3, "invalid request body"),
        Arguments.of("wrong type", "/message/v1/query", "{\"contentTopics\":\"notalist\"}", 400, 3,
            "invalid request body"),
        Arguments.of("wrong number type", "/message/v1/query",
            "{\"contentTopics\":[\"" + T + "\"],\"pagingInfo\":{\"limit\":\"many\"}}", 400, 3, "invalid request body"),
        Arguments.of("bad base64", "/message/v1/publish",
            "{\"envelopes\":[{\"contentTopic\":\"" + T + "\",\"timestampNs\":\"1\",\"message\":\"%%%\"}]}", 400, 3,
            "invalid request body"),
        Arguments.of("no topics", "/message/v1/query", "{}", 400, 3, "content topics required"),
        Arguments.of("page too large", "/message/v1/query",
            "{\"contentTopics\":[\"" + T + "\"],\"pagingInfo\":{\"limit\":11}}", 400, 3, "cannot exceed 10 rows"),
        Arguments.of("too many query topics", "/message/v1/query",
            "{\"contentTopics\":[\"/a\",\"/b\",\"/c\"]}", 400, 3, "at most 2"),
        Arguments.of("batch too large", "/message/v1/batch-query",
            "{\"requests\":[{\"contentTopics\":[\"/a\"]},{\"contentTopics\":[\"/a\"]},{\"contentTopics\":[\"/a\"]}]}",
            400, 3, "at most 2"),
        Arguments.of("bad query inside batch", "/message/v1/batch-query",
            "{\"requests\":[{\"contentTopics\":[\"/a\"]},{}]}", 400, 3, "requests[1]: content topics required"),
        Arguments.of("too many subscription topics", "/message/v1/subscribe",
            "{\"contentTopics\":[\"/a\",\"/b\",\"/c\",\"/d\"]}", 400, 3, "at most 3"),
        Arguments.of("empty subscription", "/message/v1/subscribe", "{\"contentTopics\":[]}", 400, 3,
            "content topics required"),
        Arguments.of("bad cursor", "/message/v1/query", "{\"contentTopics\":[\"" + T
            + "\"],\"pagingInfo\":{\"cursor\":{\"index\":{\"digest\":\"AQID\"}}}}", 400, 3, "must be 32 bytes"),
        Arguments.of("oversized body", "/message/v1/query", "{\"contentTopics\":[\"" + "x".repeat(5000) + "\"]}",
            413, 8, "exceeds the limit of 4096 bytes"),
        Arguments.of("unauthenticated publish", "/message/v1/publish", "{\"envelopes\":[" + env + "]}", 401, 16,
            "validating token"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequests")
  void shouldRejectBadRequestWithClearErrorAndKeepServing(String name, String path, String body, int status,
      int code, String message) throws Exception {
    HttpResponse<String> r = f.post(path, body);
    assertThat(r.statusCode()).isEqualTo(status);
    assertThat(r.body()).startsWith("{\"code\":" + code + ",\"message\":\"").contains(message)
        .contains("\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"");
    assertThat(f.query(T, 0, null, null).statusCode()).isEqualTo(200);
    assertThat(f.node.config()).isNotNull();
    assertThat(HttpGatewayTest.parseQuery(f.query(T, 0, null, null).body()).getEnvelopesCount()).isZero();
  }

  static Stream<Arguments> badEnvelopes() {
    return Stream.of(
        Arguments.of("topic too long", "/xmtp/0/" + "t".repeat(80) + "/proto", 1L, 8, "at most 80 are allowed"),
        Arguments.of("empty topic", "", 1L, 8, "contentTopic is empty"),
        Arguments.of("message too large", T, 1L, 65, "at most 64 are allowed"),
        Arguments.of("timestamp beyond 2^63", T, -1L, 8, "beyond the year 2262"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badEnvelopes")
  void shouldStoreNoneWhenOneEnvelopeOfAPublishIsBad(String name, String topic, long ts, int size, String message)
      throws Exception {
    String good = NodeFixture.envelopeJson(T, 5, new byte[] {5});
    String bad = NodeFixture.envelopeJson(topic, 0, new byte[size]).replace("\"timestampNs\":\"0\"",
        "\"timestampNs\":\"" + Long.toUnsignedString(ts) + "\"");
    HttpResponse<String> r = f.post("/message/v1/publish", "{\"envelopes\":[" + good + "," + bad + "]}",
        f.alice.token());
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("\"code\":3").contains("envelopes[1]").contains(message);
    assertThat(HttpGatewayTest.parseQuery(f.query(T, 0, null, null).body()).getEnvelopesCount()).isZero();
  }

  @Test
  void shouldRejectTooManyEnvelopesInOnePublish() throws Exception {
    String e = NodeFixture.envelopeJson(T, 5, new byte[] {5});
    HttpResponse<String> r = f.post("/message/v1/publish", "{\"envelopes\":[" + e + "," + e + "," + e + "," + e
        + "]}", f.alice.token());
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("4 envelopes; at most 3");
  }

  @Test
  void shouldRejectExpiredAndForgedTokensWithCode16() throws Exception {
    String expired = f.alice.tokenAt(System.currentTimeMillis() - 2 * 3600_000L);
    HttpResponse<String> r = f.publish(f.alice, T, 1, new byte[] {1});
    assertThat(r.statusCode()).isEqualTo(200);
    HttpResponse<String> old = f.post("/message/v1/publish", "{\"envelopes\":["
        + NodeFixture.envelopeJson(T, 2, new byte[] {2}) + "]}", expired);
    assertThat(old.statusCode()).isEqualTo(401);
    assertThat(old.body()).contains("\"code\":16").contains("expired");
    String forged = f.alice.token().substring(0, 60) + "AAAA" + f.alice.token().substring(64);
    HttpResponse<String> bad = f.post("/message/v1/publish", "{\"envelopes\":["
        + NodeFixture.envelopeJson(T, 3, new byte[] {3}) + "]}", forged);
    assertThat(bad.statusCode()).isEqualTo(401);
    assertThat(bad.body()).contains("\"code\":16");
    assertThat(HttpGatewayTest.parseQuery(f.query(T, 0, null, null).body()).getEnvelopesCount()).isEqualTo(1);
  }

  @Test
  void shouldAllowOnlyTheOwnerToWriteContactAndPrivateStoreTopics() throws Exception {
    NodeFixture.Identity bob = NodeFixture.Identity.random();
    String bobContact = "/xmtp/0/contact-" + bob.address() + "/proto";
    String bobStore = "/xmtp/0/privatestore-" + bob.address() + "/key_bundle/proto";
    long now = System.currentTimeMillis() * 1_000_000L;
    for (String topic : new String[] {bobContact, bobStore}) {
      HttpResponse<String> r = f.publish(f.alice, topic, now, new byte[] {1});
      assertThat(r.statusCode()).as(topic).isEqualTo(403);
      assertThat(r.body()).contains("\"code\":7").contains("restricted topic");
      // the owner's own token does not let it date an envelope far past the token's life (replicas would refuse)
      HttpResponse<String> late = f.publish(bob, topic, Long.MAX_VALUE - 1, new byte[] {2});
      assertThat(late.statusCode()).as(topic).isEqualTo(403);
      assertThat(late.body()).contains("outside its token's window");
      assertThat(f.publish(bob, topic, now, new byte[] {1}).statusCode()).as(topic).isEqualTo(200);
    }
    assertThat(HttpGatewayTest.parseQuery(f.query(bobContact, 0, null, null).body()).getEnvelopesCount())
        .isEqualTo(1);
  }

  @Test
  void shouldRefuseClientWritesToTopicsReservedForNodes() throws Exception {
    String reserved = "/xmtpj/0/checkpoint-signatures/proto";

    HttpResponse<String> r = f.publish(f.alice, reserved, 1, new byte[] {1});

    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("\"code\":7").contains("reserved for nodes");
    assertThat(HttpGatewayTest.parseQuery(f.query(reserved, 0, null, null).body()).getEnvelopesCount()).isZero();
  }
}
