package org.xmtpj.node.http;

import com.sun.net.httpserver.HttpExchange;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import org.xmtp.proto.message.api.v1.BatchQueryRequest;
import org.xmtp.proto.message.api.v1.PublishRequest;
import org.xmtp.proto.message.api.v1.QueryRequest;
import org.xmtp.proto.message.api.v1.SubscribeRequest;
import org.xmtpj.node.api.ApiException;
import org.xmtpj.node.api.ErrorCode;
import org.xmtpj.node.api.MessageApiCore;
import org.xmtpj.node.budget.MemoryBudget;
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

  /**
   * Serves one exchange; what its body and answer hold of the node's in-flight budget is given back once the
   * answer has been written (a stream's, once it is open: its envelopes are bounded by the subscriber queue).
   */
  void dispatch(HttpExchange ex) throws IOException {
    try (MemoryBudget.Lease lease = core.lease()) {
      dispatch(ex, lease);
    }
  }

  private void dispatch(HttpExchange ex, MemoryBudget.Lease lease) throws IOException {
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
      case "/message/v1/publish" -> timed(ex, "publish", () -> publish(ex, lease));
      case "/message/v1/query" -> timed(ex, "query", () -> query(ex, lease));
      case "/message/v1/batch-query" -> timed(ex, "batch_query", () -> batchQuery(ex, lease));
      case "/message/v1/subscribe" -> timed(ex, "subscribe", () -> subscribe(ex, false, lease));
      case "/message/v1/subscribe-all" -> timed(ex, "subscribe_all", () -> subscribe(ex, true, lease));
      case "/checkpoint/v1/inclusion-proof" -> timed(ex, "inclusion_proof", () -> inclusionProof(ex, lease));
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
    } catch (org.xmtpj.store.StoreDamagedException e) {
      ApiException api = ApiException.storeDamaged(e);
      metrics.rejected(method, api.reason());
      throw api;
    }
  }

  private void publish(HttpExchange ex, MemoryBudget.Lease lease) {
    PublishRequest request = JsonWire.parse(body(ex, lease), contentType(ex), PublishRequest.newBuilder()).build();
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

  private void inclusionProof(HttpExchange ex, MemoryBudget.Lease lease) {
    rateLimiter.checkRequest(client(ex), org.xmtpj.node.checkpoint.InclusionProofs.REQUEST_COST);
    if (proofs == null) {
      throw new ApiException(ErrorCode.UNIMPLEMENTED, "no_checkpoints",
          "this node computes no checkpoints (it runs without a chain)");
    }
    var request = JsonWire.parse(body(ex, lease), contentType(ex),
        org.xmtpj.proto.checkpoint.v1.InclusionProofRequest.newBuilder()).build();
    HttpGateway.respondJson(ex, proofs.apply(request));
  }

  private void query(HttpExchange ex, MemoryBudget.Lease lease) {
    rateLimiter.checkRequest(client(ex), 1);
    QueryRequest request = JsonWire.parse(body(ex, lease), contentType(ex), QueryRequest.newBuilder()).build();
    HttpGateway.respondJson(ex, core.query(request, lease));
  }

  private void batchQuery(HttpExchange ex, MemoryBudget.Lease lease) {
    BatchQueryRequest request = JsonWire.parse(body(ex, lease), contentType(ex), BatchQueryRequest.newBuilder())
        .build();
    rateLimiter.checkRequest(client(ex), Math.max(1, request.getRequestsCount()));
    HttpGateway.respondJson(ex, core.batchQuery(request, lease));
  }

  private byte[] body(HttpExchange ex, MemoryBudget.Lease lease) {
    return RequestBodies.read(ex, core.limits().maxRequestBytes(), lease);
  }

  private void subscribe(HttpExchange ex, boolean all, MemoryBudget.Lease lease) throws IOException {
    rateLimiter.checkRequest(client(ex), 1);
    byte[] body = body(ex, lease);
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

  private static String contentType(HttpExchange ex) {
    return ex.getRequestHeaders().getFirst("Content-Type");
  }

  /** The source network the request counts against (its X-Forwarded-For only from a trusted proxy). */
  private String client(HttpExchange ex) {
    return rateLimiter.clientKey(ex.getRemoteAddress().getAddress(),
        ex.getRequestHeaders().getFirst("X-Forwarded-For"));
  }
}
