package org.xmtpj.node;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import org.xmtpj.crypto.Ethereum;
import org.xmtpj.crypto.Secp256k1;
import org.xmtpj.crypto.auth.AuthTokens;
import org.xmtpj.node.api.ApiLimits;
import org.xmtpj.node.ratelimit.RateLimitConfig;

/** A real node on loopback ports, and a client identity that can publish to it over HTTP. */
final class NodeFixture implements AutoCloseable {
  static final SecureRandom RANDOM = new SecureRandom();

  final XmtpNode node;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  final Identity alice = Identity.random();

  NodeFixture(Path dir, java.util.function.UnaryOperator<NodeConfig> tweak) throws IOException {
    NodeConfig config = NodeConfig.defaults(dir).withPorts("127.0.0.1", 0, 0)
        .withRateLimit(new RateLimitConfig(false, 1, 1, 1, 1, 10));
    config = config.withReplication(config.replication().withPort(0));
    XmtpNode n = new XmtpNode(tweak.apply(config), Clock.systemUTC());
    try {
      n.start();
    } catch (IOException | RuntimeException e) {
      try {
        n.close(); // a start that failed (its port taken) must not leave the store and its threads behind
      } catch (RuntimeException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
    node = n;
  }

  NodeFixture(Path dir) throws IOException {
    this(dir, c -> c);
  }

  static NodeConfig limits(NodeConfig c, ApiLimits limits) {
    return c.withLimits(limits);
  }

  String url(String path) {
    return "http://127.0.0.1:" + node.httpPort() + path;
  }

  HttpResponse<String> post(String path, String body) throws Exception {
    return post(path, body, null);
  }

  HttpResponse<String> post(String path, String body, String authorization) throws Exception {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "text/plain;charset=UTF-8")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      req.header("Authorization", authorization);
    }
    return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> publish(Identity who, String topic, long ts, byte[] message) throws Exception {
    return post("/message/v1/publish", "{\"envelopes\":[" + envelopeJson(topic, ts, message) + "]}", who.token());
  }

  static String envelopeJson(String topic, long ts, byte[] message) {
    return "{\"contentTopic\":\"" + topic + "\",\"timestampNs\":\"" + ts + "\",\"message\":\""
        + Base64.getEncoder().encodeToString(message) + "\"}";
  }

  HttpResponse<String> query(String topic, int limit, String direction, String cursorJson) throws Exception {
    return post("/message/v1/query", "{\"contentTopics\":[\"" + topic + "\"],\"pagingInfo\":{\"limit\":" + limit
        + (direction == null ? "" : ",\"direction\":\"" + direction + "\"")
        + (cursorJson == null ? "" : ",\"cursor\":" + cursorJson) + "}}");
  }

  private boolean closed;

  /** Idempotent: a test may close it early and again when its try block ends. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      node.close();
    }
  }

  /** A wallet plus an identity key, able to mint xmtp-js-style auth tokens. */
  record Identity(byte[] wallet, byte[] identity, String address) {
    static Identity random() {
      byte[] w = new byte[32];
      byte[] i = new byte[32];
      RANDOM.nextBytes(w);
      RANDOM.nextBytes(i);
      return new Identity(w, i, Ethereum.address(Secp256k1.publicKeyUncompressed(w)));
    }

    String token() {
      return tokenAt(System.currentTimeMillis());
    }

    String tokenAt(long createdMs) {
      return AuthTokens.create(wallet, identity, createdMs - 1000, createdMs * 1_000_000L);
    }
  }
}
