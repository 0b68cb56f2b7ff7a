package org.xmtpj.node.http;

import com.sun.net.httpserver.HttpExchange;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import org.xmtp.proto.message.api.v1.BatchQueryRequest;
import org.xmtp.proto.message.api.v1.PublishRequest;
import org.xmtp.proto.message.api.v1.QueryRequest;
import org.xmtp.proto.message.api.v1.SubscribeRequest;
import org.xmtpj.node.api.ApiException;
import org.xmtpj.node.api.ErrorCode;
import org.xmtpj.node.api.MessageApiCore;
import org.xmtpj.node.subscribe.SubscriptionHub;
import org.xmtpj.node.metrics.NodeMetrics;
import org.xmtpj.node.ratelimit.RateLimiter;

/** The gateway's routes; each decodes, checks the caller's rate, calls the shared core and encodes. */
final class Routes {
  private static final String TRANSPORT = "http";
  private static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.US_ASCII);

  private final MessageApiCore core;
  private final RateLimiter rateLimiter;
  private final NodeMetrics metrics;
  private final HealthCheck health;
  private final PrometheusTextFormatWriter metricsWriter = PrometheusTextFormatWriter.create();

  private final java.util.Map<String, java.util.function.Supplier<String>> debug;
  private final java.util.function.UnaryOperator<com.google.protobuf.Message> proofs;
  private final OperatorAccess operator;

  /**
   * @param proofs answers an InclusionProofRequest with an InclusionProofResponse, or null on a node that computes
   *     no checkpoints
   */
  Routes(MessageApiCore core, RateLimiter rateLimiter, NodeMetrics metrics, HealthCheck health,
      java.util.Map<String, java.util.function.Supplier<String>> debug,
      java.util.function.UnaryOperator<com.google.protobuf.Message> proofs, OperatorAccess operator) {
    this.operator = operator;
    this.debug = java.util.Map.copyOf(debug);
    this.proofs = proofs;
    this.core = core;
    this.rateLimiter = rateLimiter;
    this.metrics = metrics;
    this.health = health;
  }

  void dispatch(HttpExchange ex) throws IOException {
    String path = normalize(ex.getRequestURI().toString());
    if (Cors.isPreflight(ex)) {
      Cors.answerPreflight(ex);
      return;
    }
    switch (path) {
      case "/healthz" -> healthz(ex);
      case "/metrics" -> {
        operator.check(ex);
        metrics(ex);
      }
      case "/message/v1/publish" -> timed(ex, "publish", () -> publish(ex));
      case "/message/v1/query" -> timed(ex, "query", () -> query(ex));
      case "/message/v1/batch-query" -> timed(ex, "batch_query", () -> batchQuery(ex));
      case "/message/v1/subscribe" -> timed(ex, "subscribe", () -> subscribe(ex, false));
      case "/message/v1/subscribe-all" -> timed(ex, "subscribe_all", () -> subscribe(ex, true));
      case "/checkpoint/v1/inclusion-proof" -> timed(ex, "inclusion_proof", () -> inclusionProof(ex));
      default -> {
        var doc = debug.get(path);
        if (doc == null) {
          throw new ApiException(ErrorCode.NOT_FOUND, "not_found", "no route for " + path);
        }
        operator.check(ex);
        HttpGateway.respond(ex, 200, doc.get().getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  /** xmtp-js concatenates apiUrl and the path, so a trailing slash in apiUrl yields "//message/v1/…". */
  static String normalize(String requestTarget) {
    // the raw target: java.net.URI reads "//message/v1/x" as authority "message" plus path "/v1/x"
    String path = requestTarget == null ? "/" : requestTarget;
    int query = path.indexOf('?');
    return (query >= 0 ? path.substring(0, query) : path).replaceAll("/{2,}", "/");
  }

  private interface Action {
    void run() throws IOException;
  }

  private void timed(HttpExchange ex, String method, Action action) throws IOException {
    long start = System.nanoTime();
    try {
      if (!ex.getRequestMethod().equals("POST")) {
        throw new ApiException(ErrorCode.UNIMPLEMENTED, "method_not_allowed",
            "method " + ex.getRequestMethod() + " not allowed; use POST");
      }
      action.run();
      metrics.request(method, TRANSPORT, System.nanoTime() - start);
    } catch (ApiException e) {
      metrics.rejected(method, e.reason());
      throw e;
    }
  }

  private void publish(HttpExchange ex) {
    PublishRequest request = JsonWire.parse(body(ex), contentType(ex), PublishRequest.newBuilder()).build();
    rateLimiter.checkPublish(client(ex), Math.max(1, request.getEnvelopesCount()));
    try {
      core.publish(ex.getRequestHeaders().getFirst("Authorization"), request).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof ApiException api ? api
          : new ApiException(ErrorCode.INTERNAL, "internal", "publish failed");
    }
    metrics.envelopesPublished(request.getEnvelopesCount());
    HttpGateway.respond(ex, 200, EMPTY_OBJECT);
  }

  private void inclusionProof(HttpExchange ex) {
    rateLimiter.checkRequest(client(ex), org.xmtpj.node.checkpoint.InclusionProofs.REQUEST_COST);
    if (proofs == null) {
      throw new ApiException(ErrorCode.UNIMPLEMENTED, "no_checkpoints",
          "this node computes no checkpoints (it runs without a chain)");
    }
    var request = JsonWire.parse(body(ex), contentType(ex),
        org.xmtpj.proto.checkpoint.v1.InclusionProofRequest.newBuilder()).build();
    HttpGateway.respond(ex, 200, JsonWire.print(proofs.apply(request)));
  }

  private void query(HttpExchange ex) {
    rateLimiter.checkRequest(client(ex), 1);
    QueryRequest request = JsonWire.parse(body(ex), contentType(ex), QueryRequest.newBuilder()).build();
    HttpGateway.respond(ex, 200, JsonWire.print(core.query(request)));
  }

  private void batchQuery(HttpExchange ex) {
    BatchQueryRequest request = JsonWire.parse(body(ex), contentType(ex), BatchQueryRequest.newBuilder()).build();
    rateLimiter.checkRequest(client(ex), Math.max(1, request.getRequestsCount()));
    HttpGateway.respond(ex, 200, JsonWire.print(core.batchQuery(request)));
  }

  private void subscribe(HttpExchange ex, boolean all) throws IOException {
    rateLimiter.checkRequest(client(ex), 1);
    byte[] body = body(ex);
    var topics = all ? null : JsonWire.parse(body, contentType(ex), SubscribeRequest.newBuilder())
        .getContentTopicsList();
    // room booked before the 200 leaves: a refused stream gets its 429 instead of a stream that ends at once
    // (closing an admission that was opened does nothing; one that was not gives its room back)
    try (SubscriptionHub.Admission admission = core.admit(client(ex), topics)) {
      var headers = ex.getResponseHeaders();
      headers.set("Content-Type", "application/json");
      headers.set("Grpc-Metadata-Subscribed", "true");
      headers.set("Cache-Control", "no-cache");
      ex.sendResponseHeaders(200, 0);
      HttpStreamSink sink = new HttpStreamSink(ex);
      // registered before the headers leave, so a client that sees them cannot publish into a gap; then flushed
      // at once (grpc-gateway sent headers only with the first envelope)
      core.open(admission, sink, TRANSPORT);
      sink.flush();
    }
  }

  private void healthz(HttpExchange ex) {
    boolean ok = health.serving();
    HttpGateway.respond(ex, ok ? 200 : 503,
        ("{\"status\":\"" + (ok ? "SERVING" : "NOT_SERVING") + "\"}").getBytes(StandardCharsets.US_ASCII));
  }

  private void metrics(HttpExchange ex) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    metricsWriter.write(out, metrics.registry().scrape());
    try (ex) {
      ex.getResponseHeaders().set("Content-Type", metricsWriter.getContentType());
      byte[] bytes = out.toByteArray();
      ex.sendResponseHeaders(200, bytes.length);
      ex.getResponseBody().write(bytes);
    }
  }

  private byte[] body(HttpExchange ex) {
    int max = core.limits().maxRequestBytes();
    String declared = ex.getRequestHeaders().getFirst("Content-Length");
    if (declared != null && parseLength(declared) > max) {
      throw tooLarge(max);
    }
    try (InputStream in = ex.getRequestBody()) {
      byte[] bytes = in.readNBytes(max + 1);
      if (bytes.length > max) {
        throw tooLarge(max);
      }
      return bytes;
    } catch (IOException e) {
      throw new ApiException(ErrorCode.INVALID_ARGUMENT, "unreadable_body", "cannot read request body: "
          + e.getMessage());
    }
  }

  private static long parseLength(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static ApiException tooLarge(int max) {
    return new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "body_too_large",
        "request body exceeds the limit of " + max + " bytes");
  }

  private static String contentType(HttpExchange ex) {
    return ex.getRequestHeaders().getFirst("Content-Type");
  }

  /** The source network the request counts against (its X-Forwarded-For only from a trusted proxy). */
  private String client(HttpExchange ex) {
    return rateLimiter.clientKey(ex.getRemoteAddress().getAddress(),
        ex.getRequestHeaders().getFirst("X-Forwarded-For"));
  }
}
