package org.xmtpj.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtp.proto.message.api.v1.Envelope;
import org.xmtp.proto.message.api.v1.QueryResponse;
import com.google.protobuf.util.JsonFormat;
import org.xmtp.proto.message.api.v1.BatchQueryResponse;

/**
 * An unauthenticated reader cannot make the node build an answer bigger than its response budget (issue 13,
 * finding 1: one 6 KB batch of 50 queries over 1 MiB envelopes made the node build 6 GiB and never answer). The
 * default limits throughout: what a stranger meets.
 */
class ResponseBudgetTest {
  private static final String TOPIC = "/xmtp/0/m-large/proto";
  private static final int ENVELOPES = 12;
  private static final int MESSAGE_BYTES = 1_000_000; // near the 1,048,214-byte message limit
  private static final int BUDGET = 4 * 1024 * 1024; // the default limits.maxResponseBytes

  @TempDir
  static Path dir;
  static NodeFixture f;

  @BeforeAll
  static void storeTwelveMegabytesOnOneTopic() throws Exception {
    f = new NodeFixture(dir);
    for (int i = 0; i < ENVELOPES; i++) {
      byte[] message = new byte[MESSAGE_BYTES];
      NodeFixture.RANDOM.nextBytes(message);
      HttpResponse<String> r = f.publish(f.alice, TOPIC, 1_000 + i, message);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  @Test
  void shouldEndAPageAtTheResponseBudgetAndPageThroughEveryEnvelopeExactlyOnce() throws Exception {
    Set<Long> seen = new HashSet<>();
    List<Long> order = new ArrayList<>();
    String cursor = null;
    for (int pages = 0; pages < ENVELOPES + 2; pages++) {
      HttpResponse<String> r = f.query(TOPIC, 100, "SORT_DIRECTION_ASCENDING", cursor);
      assertThat(r.statusCode()).as(r.body().substring(0, Math.min(300, r.body().length()))).isEqualTo(200);
      QueryResponse page = HttpGatewayTest.parseQuery(r.body());
      long bytes = page.getEnvelopesList().stream().mapToLong(e -> e.getMessage().size()).sum();
      assertThat(bytes).as("a page's messages stay within the %d-byte budget", BUDGET).isLessThanOrEqualTo(BUDGET);
      for (Envelope e : page.getEnvelopesList()) {
        assertThat(seen.add(e.getTimestampNs())).as("envelope %d served twice", e.getTimestampNs()).isTrue();
        order.add(e.getTimestampNs());
      }
      if (page.getEnvelopesCount() == 0 || !page.getPagingInfo().hasCursor()) {
        break;
      }
      var c = page.getPagingInfo().getCursor().getIndex();
      cursor = "{\"index\":{\"digest\":\"" + java.util.Base64.getEncoder().encodeToString(c.getDigest().toByteArray())
          + "\",\"senderTimeNs\":\"" + c.getSenderTimeNs() + "\"}}";
    }
    assertThat(order).as("every envelope, in order, over several pages").hasSize(ENVELOPES).isSorted();
  }

  @Test
  void shouldRefuseABatchOfFiftyQueriesOverLargeEnvelopesInsteadOfBuildingGigabytes() throws Exception {
    StringBuilder batch = new StringBuilder("{\"requests\":[");
    for (int i = 0; i < 50; i++) {
      batch.append(i == 0 ? "" : ",").append("{\"contentTopics\":[\"").append(TOPIC)
          .append("\"],\"pagingInfo\":{\"limit\":100}}");
    }
    HttpResponse<String> r = f.post("/message/v1/batch-query", batch.append("]}").toString());
    assertThat(r.body().length()).as("what the node built before answering").isLessThan(1 << 16);
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.body()).startsWith("{\"code\":8,").contains("response budget").contains("limits.maxResponseBytes");
  }

  @Test
  void shouldAnswerABatchWithinTheBudgetWithEveryResponseInOrder() throws Exception {
    String one = "{\"contentTopics\":[\"" + TOPIC + "\"],\"pagingInfo\":{\"limit\":2}}";
    String none = "{\"contentTopics\":[\"/xmtp/0/m-empty/proto\"]}";
    HttpResponse<String> r = f.post("/message/v1/batch-query", "{\"requests\":[" + one + "," + none + "," + one
        + "]}");
    assertThat(r.statusCode()).as(r.body().substring(0, Math.min(300, r.body().length()))).isEqualTo(200);
    BatchQueryResponse.Builder b = BatchQueryResponse.newBuilder();
    JsonFormat.parser().merge(r.body(), b);
    var responses = b.getResponsesList();
    assertThat(responses).hasSize(3);
    assertThat(responses.get(0).getEnvelopesCount()).isEqualTo(2);
    assertThat(responses.get(1).getEnvelopesCount()).isZero();
    assertThat(responses.get(2).getEnvelopesCount()).isEqualTo(2);
  }
}
