package org.xmtpj.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xmtp.proto.message.api.v1.BatchQueryRequest;
import org.xmtp.proto.message.api.v1.BatchQueryResponse;
import org.xmtp.proto.message.api.v1.Cursor;
import org.xmtp.proto.message.api.v1.Envelope;
import org.xmtp.proto.message.api.v1.IndexCursor;
import org.xmtp.proto.message.api.v1.PagingInfo;
import org.xmtp.proto.message.api.v1.QueryRequest;
import org.xmtp.proto.message.api.v1.QueryResponse;
import org.xmtpj.crypto.Secp256k1;

/** Retries, token refresh and paging around a scripted transport (the real one is covered end to end). */
class NodeApiTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Answers publishes and queries from a script; records what it was sent. */
  static final class ScriptedTransport implements ApiTransport {
    final Deque<Object> answers = new ArrayDeque<>();
    final List<String> tokens = new ArrayList<>();
    final List<QueryRequest> queries = new ArrayList<>();

    @Override
    public void publish(List<Envelope> envelopes, String authorization) {
      tokens.add(authorization);
      Object next = answers.poll();
      if (next instanceof XmtpException e) {
        throw e;
      }
    }

    @Override
    public QueryResponse query(QueryRequest request) {
      queries.add(request);
      Object next = answers.poll();
      if (next instanceof XmtpException e) {
        throw e;
      }
      return (QueryResponse) next;
    }

    @Override
    public BatchQueryResponse batchQuery(BatchQueryRequest request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public org.xmtpj.proto.checkpoint.v1.InclusionProofResponse inclusionProof(
        org.xmtpj.proto.checkpoint.v1.InclusionProofRequest request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Subscription subscribe(List<String> topics, Listener listener) {
      throw new UnsupportedOperationException();
    }

    @Override
    public String endpoint() {
      return "scripted";
    }

    @Override
    public void close() {}
  }

  static final class MovableClock extends Clock {
    Instant now = Instant.parse("2026-11-26T00:00:00Z");

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  final ScriptedTransport transport = new ScriptedTransport();
  final MovableClock clock = new MovableClock();
  final List<Duration> sleeps = new ArrayList<>();
  final NodeApi api = new NodeApi(transport, clock, sleeps::add);

  NodeApiTest() {
    byte[] wallet = Secp256k1.generatePrivateKey(RANDOM);
    api.authenticateAs(PrivateIdentity.create(Signer.privateKey(wallet), clock.millis(), RANDOM));
  }

  static XmtpException status(int code) {
    return new XmtpException(XmtpException.Kind.NODE_REJECTED, code, "code " + code, null);
  }

  @Test
  void shouldRefreshTheTokenOnceWhenTheNodeSaysUnauthenticated() {
    transport.answers.add(status(16));
    transport.answers.add("ok");
    api.publish(List.of(Envelope.getDefaultInstance()));
    assertThat(transport.tokens).hasSize(2);
    assertThat(transport.tokens.get(1)).isNotEqualTo(transport.tokens.get(0));
  }

  @Test
  void shouldGiveUpAfterOneRefreshWhenTheNodeKeepsSayingUnauthenticated() {
    transport.answers.add(status(16));
    transport.answers.add(status(16));
    assertThatThrownBy(() -> api.publish(List.of(Envelope.getDefaultInstance())))
        .isInstanceOf(XmtpException.class).satisfies(e -> assertThat(((XmtpException) e).status()).isEqualTo(16));
    assertThat(transport.tokens).hasSize(2);
  }

  @Test
  void shouldReuseTheTokenForFiftyMinutesThenBuildANewOne() {
    api.publish(List.of(Envelope.getDefaultInstance()));
    clock.now = clock.now.plus(Duration.ofMinutes(49));
    api.publish(List.of(Envelope.getDefaultInstance()));
    clock.now = clock.now.plus(Duration.ofMinutes(2));
    api.publish(List.of(Envelope.getDefaultInstance()));
    assertThat(transport.tokens.get(1)).isEqualTo(transport.tokens.get(0));
    assertThat(transport.tokens.get(2)).isNotEqualTo(transport.tokens.get(1));
  }

  @Test
  void shouldRetryTransientFailuresWithGrowingPausesThenGiveUp() {
    for (int i = 0; i < 4; i++) {
      transport.answers.add(new XmtpException(XmtpException.Kind.NODE_UNREACHABLE, "down"));
    }
    assertThatThrownBy(() -> api.query(QueryRequest.getDefaultInstance())).hasMessage("down");
    assertThat(transport.queries).hasSize(4);
    assertThat(sleeps).containsExactly(Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofMillis(1600));
  }

  @Test
  void shouldNotRetryARequestTheNodeRejected() {
    transport.answers.add(status(3));
    assertThatThrownBy(() -> api.query(QueryRequest.getDefaultInstance())).hasMessage("code 3");
    assertThat(transport.queries).hasSize(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void shouldFollowCursorsAndStopAtTheRequestedCount() {
    transport.answers.add(page(100, true));
    transport.answers.add(page(100, true));
    List<Envelope> got = api.queryAll("/xmtp/0/t/proto", 0, 0, false, 150);
    assertThat(got).hasSize(150);
    assertThat(transport.queries).hasSize(2);
    assertThat(transport.queries.get(1).getPagingInfo().getCursor().getIndex().getSenderTimeNs()).isEqualTo(7);
  }

  @Test
  void shouldStopPagingWhenAPageComesWithoutCursor() {
    transport.answers.add(page(100, true));
    transport.answers.add(page(3, false));
    assertThat(api.queryAll("/xmtp/0/t/proto", 0, 0, true, 0)).hasSize(103);
    assertThat(transport.queries).hasSize(2);
  }

  @Test
  void shouldIssueStrictlyIncreasingTimestampsWithinOneMillisecond() {
    long a = api.nowNs();
    long b = api.nowNs();
    assertThat(b).isGreaterThan(a);
  }

  static QueryResponse page(int n, boolean cursor) {
    QueryResponse.Builder r = QueryResponse.newBuilder();
    for (int i = 0; i < n; i++) {
      r.addEnvelopes(Envelope.newBuilder().setContentTopic("/xmtp/0/t/proto").setTimestampNs(i)
          .setMessage(ByteString.copyFrom(new byte[] {(byte) i})));
    }
    if (cursor) {
      r.setPagingInfo(PagingInfo.newBuilder().setCursor(Cursor.newBuilder()
          .setIndex(IndexCursor.newBuilder().setSenderTimeNs(7))));
    }
    return r.build();
  }
}
