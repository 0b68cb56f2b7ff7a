package org.xmtpj.testing;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xmtp.proto.message.api.v1.Envelope;
import org.xmtp.proto.message.api.v1.PagingInfo;
import org.xmtp.proto.message.api.v1.PublishRequest;
import org.xmtp.proto.message.api.v1.QueryRequest;
import org.xmtp.proto.message.api.v1.QueryResponse;
import org.xmtp.proto.message.api.v1.SortDirection;
import org.xmtpj.crypto.auth.AuthTokens;

/**
 * One HTTP/JSON client identity for tests: a random wallet and identity key, a cached publish token (renewed when
 * older than 50 minutes), publish and full paged query. Thread-safe.
 */
public final class TestClients {
  /** The outcome of one HTTP call: the status and the body as text. */
  public record HttpResult(int status, String body) {
    /** True when the node acknowledged the publish: HTTP 200 with body {@code {}}. */
    public boolean acked() {
      return status == 200 && body.strip().equals("{}");
    }
  }

  private static final Duration TOKEN_RENEW_AGE = Duration.ofMinutes(50);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final int PAGE_LIMIT = 100;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HttpClient DEFAULT_HTTP = newHttpClient();
  private static final JsonFormat.Printer JSON_OUT = JsonFormat.printer().omittingInsignificantWhitespace();
  private static final JsonFormat.Parser JSON_IN = JsonFormat.parser().ignoringUnknownFields();

  private final HttpClient http;
  private final Clock clock; // what the tokens are dated by: the nodes' clock
  private final byte[] walletKey = randomPrivateKey();
  private final byte[] identityKey = randomPrivateKey();
  private final long identityTimestampMs = System.currentTimeMillis();
  private String token;
  private long tokenCreatedMs;

  private TestClients(HttpClient http, Clock clock) {
    this.http = http;
    this.clock = clock;
  }

  /** A new identity using a shared HTTP/1.1 client. */
  public static TestClients newIdentity() {
    return new TestClients(DEFAULT_HTTP, Clock.systemUTC());
  }

  /** A new identity using the given HTTP client. */
  public static TestClients newIdentity(HttpClient http) {
    return new TestClients(http, Clock.systemUTC());
  }

  /**
   * A new identity whose auth tokens are dated by {@code clock}: for nodes that run on a clock a test moves (a node
   * refuses a token dated far ahead of its own clock, or older than its maximum age).
   */
  public static TestClients newIdentity(Clock clock) {
    return new TestClients(DEFAULT_HTTP, clock);
  }

  /** An HTTP/1.1 client with a 5 s connect timeout, as the JSON gateway expects. */
  public static HttpClient newHttpClient() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** A random secp256k1 private key: 32 bytes in [1, n−1]. */
  public static byte[] randomPrivateKey() {
    return org.xmtpj.crypto.Secp256k1.generatePrivateKey(RANDOM);
  }


  /** An envelope stamped with the current time in nanoseconds (millisecond precision, as xmtp-js does). */
  public static Envelope envelope(String topic, byte[] message) {
    return Envelope.newBuilder()
        .setContentTopic(topic)
        .setTimestampNs(System.currentTimeMillis() * 1_000_000L)
        .setMessage(ByteString.copyFrom(message))
        .build();
  }

  /** The EIP-55 address of the wallet that vouches for this identity. */
  public String walletAddress() {
    return org.xmtpj.crypto.Ethereum.address(org.xmtpj.crypto.Secp256k1.publicKeyUncompressed(walletKey));
  }

  /** The identity's 65-byte uncompressed secp256k1 public key, as its tokens and contact bundles carry it. */
  public byte[] identityPublicKey() {
    return org.xmtpj.crypto.Secp256k1.publicKeyUncompressed(identityKey);
  }

  /** The {@code Authorization} header value, renewed when the cached token is older than 50 minutes. */
  public synchronized String authorization() {
    long now = clock.millis();
    if (token == null || Math.abs(now - tokenCreatedMs) > TOKEN_RENEW_AGE.toMillis()) {
      token = AuthTokens.create(walletKey, identityKey, identityTimestampMs, now * 1_000_000L);
      tokenCreatedMs = now;
    }
    return token;
  }

  /**
   * POSTs the envelopes to {@code /message/v1/publish}.
   *
   * @throws IOException when the connection fails or is reset (the outcome is then unknown)
   */
  public HttpResult publish(String baseUrl, List<Envelope> envelopes) throws IOException, InterruptedException {
    PublishRequest request = PublishRequest.newBuilder().addAllEnvelopes(envelopes).build();
    HttpRequest http = HttpRequest.newBuilder(URI.create(baseUrl + "/message/v1/publish"))
        .timeout(REQUEST_TIMEOUT)
        .header("Content-Type", "application/json")
        .header("Authorization", authorization())
        .POST(HttpRequest.BodyPublishers.ofString(JSON_OUT.print(request)))
        .build();
    HttpResponse<String> response = this.http.send(http, HttpResponse.BodyHandlers.ofString());
    return new HttpResult(response.statusCode(), response.body());
  }

  /** One {@code /message/v1/query} call; fails unless the node answers 200. */
  public QueryResponse query(String baseUrl, QueryRequest request) throws IOException, InterruptedException {
    HttpRequest http = HttpRequest.newBuilder(URI.create(baseUrl + "/message/v1/query"))
        .timeout(REQUEST_TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON_OUT.print(request)))
        .build();
    HttpResponse<String> response = this.http.send(http, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("query failed: HTTP " + response.statusCode() + " " + response.body());
    }
    QueryResponse.Builder builder = QueryResponse.newBuilder();
    try {
      JSON_IN.merge(response.body(), builder);
    } catch (InvalidProtocolBufferException e) {
      throw new IOException("unparsable query response: " + response.body(), e);
    }
    return builder.build();
  }

  /** Every envelope of the topic, oldest first, following the returned cursor until the node stops sending one. */
  public List<Envelope> queryAll(String baseUrl, String topic) throws IOException, InterruptedException {
    List<Envelope> all = new ArrayList<>();
    PagingInfo.Builder paging = PagingInfo.newBuilder()
        .setLimit(PAGE_LIMIT)
        .setDirection(SortDirection.SORT_DIRECTION_ASCENDING);
    while (true) {
      QueryRequest request = QueryRequest.newBuilder().addContentTopics(topic).setPagingInfo(paging).build();
      QueryResponse page = query(baseUrl, request);
      all.addAll(page.getEnvelopesList());
      if (!page.hasPagingInfo() || !page.getPagingInfo().hasCursor() || page.getEnvelopesCount() == 0) {
        return all;
      }
      paging.setCursor(page.getPagingInfo().getCursor());
    }
  }
}
