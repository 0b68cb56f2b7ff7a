package org.xmtpj.node.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmtpj.node.api.ApiException;
import org.xmtpj.node.api.ErrorCode;
import org.xmtpj.store.StoreDamagedException;
import org.xmtpj.node.api.MessageApiCore;
import org.xmtpj.node.metrics.NodeMetrics;
import org.xmtpj.node.ratelimit.RateLimiter;

/**
 * The HTTP/1.1 JSON gateway xmtp-js talks to: grpc-gateway's routes, encoding, errors, CORS and stream framing.
 * One virtual thread per exchange, so blocking on a durable publish costs no platform thread.
 */
public final class HttpGateway implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpGateway.class);

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

  public HttpGateway(InetSocketAddress address, MessageApiCore core, RateLimiter rateLimiter, NodeMetrics metrics,
      HealthCheck health) throws IOException {
    this(address, core, rateLimiter, metrics, health, java.util.Map.of(), null, OperatorAccess.loopbackOnly());
  }

  /**
   * @param debug read-only JSON documents by path (e.g. "/debug/replication"): operator views, no secrets
   * @param proofs inclusion proofs (POST /checkpoint/v1/inclusion-proof), or null on a node without checkpoints
   * @param operator who may read {@code /metrics} and the debug documents
   */
  public HttpGateway(InetSocketAddress address, MessageApiCore core, RateLimiter rateLimiter, NodeMetrics metrics,
      HealthCheck health, java.util.Map<String, java.util.function.Supplier<String>> debug,
      java.util.function.Function<org.xmtpj.proto.checkpoint.v1.InclusionProofRequest,
          org.xmtpj.proto.checkpoint.v1.InclusionProofResponse> proofs, OperatorAccess operator) throws IOException {
    applyServerDefaults();
    this.server = HttpServer.create(address, 1024);
    Routes routes = new Routes(core, rateLimiter, metrics, health, debug, proofs == null ? null
        : m -> proofs.apply((org.xmtpj.proto.checkpoint.v1.InclusionProofRequest) m), operator);
    server.createContext("/", exchange -> handle(exchange, routes));
    server.setExecutor(executor);
  }

  /** Seconds a client has to send a whole request, headers and body (not a stream's response: that is open-ended). */
  public static final String MAX_REQUEST_SECONDS = "sun.net.httpserver.maxReqTime";
  /** Connections the HTTP port holds at once, streams included; one more is closed as soon as it is accepted. */
  public static final String MAX_CONNECTIONS = "jdk.httpserver.maxConnections";
  static final int DEFAULT_MAX_REQUEST_SECONDS = 30;
  static final int DEFAULT_MAX_CONNECTIONS = 16_384;

  /**
   * The JDK server reads its settings once, when its first instance is made, for the whole process; so they are
   * set here, before, unless the operator set them (XMTPD_JAVA_OPTS="-Dsun.net.httpserver.maxReqTime=60").
   * Without a request deadline a client that sends half a request holds its connection for ever (3,000 such were
   * all still open after 60 s); without a cap, connections are bounded only by file descriptors.
   */
  private static void applyServerDefaults() {
    // Nagle's algorithm would hold each small stream line back ~20 ms waiting for an ACK
    setIfAbsent("sun.net.httpserver.nodelay", "true");
    setIfAbsent(MAX_REQUEST_SECONDS, Integer.toString(DEFAULT_MAX_REQUEST_SECONDS));
    setIfAbsent(MAX_CONNECTIONS, Integer.toString(DEFAULT_MAX_CONNECTIONS));
  }

  private static void setIfAbsent(String property, String value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, value);
    }
  }

  public void start() {
    server.start();
    LOG.info("HTTP gateway listening on {}", server.getAddress());
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void handle(HttpExchange exchange, Routes routes) {
    try {
      Cors.apply(exchange);
      routes.dispatch(exchange);
    } catch (ApiException e) {
      respondError(exchange, e);
    } catch (StoreDamagedException e) {
      respondError(exchange, ApiException.storeDamaged(e));
    } catch (RuntimeException e) {
      LOG.error("unexpected failure serving {}", exchange.getRequestURI(), e);
      respondError(exchange, new ApiException(ErrorCode.INTERNAL, "internal", "internal error"));
    } catch (IOException e) {
      LOG.debug("client went away: {}", e.toString());
      exchange.close();
    }
  }

  static void respondError(HttpExchange exchange, ApiException e) {
    respond(exchange, e.code().httpStatus(), JsonWire.error(e.code(), e.reason(), e.getMessage()));
  }

  /**
   * A 200 JSON answer. A large one is printed straight onto the connection (chunked) instead of into one string
   * and then one byte array: for a 4 MiB page those two copies and the string's growth were about 20 MiB of heap
   * beside the page itself, more than the in-flight budget books per stored byte (InFlightBudgetIT ran a 384 MiB
   * node out of heap with them).
   */
  static void respondJson(HttpExchange exchange, com.google.protobuf.Message answer) {
    if (answer.getSerializedSize() < STREAM_ABOVE_BYTES) {
      respond(exchange, 200, JsonWire.print(answer));
      return;
    }
    try (exchange) {
      drain(exchange);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, 0);
      java.io.Writer out = new java.io.BufferedWriter(new java.io.OutputStreamWriter(exchange.getResponseBody(),
          java.nio.charset.StandardCharsets.UTF_8), STREAM_ABOVE_BYTES);
      JsonWire.printTo(answer, out);
      out.flush();
    } catch (IOException e) {
      LOG.debug("client went away during the response: {}", e.toString());
    }
  }

  /** Answers up to this size are sent whole, with a Content-Length; larger ones are printed as they are sent. */
  static final int STREAM_ABOVE_BYTES = 64 * 1024;

  static void respond(HttpExchange exchange, int status, byte[] body) {
    try (exchange) {
      drain(exchange);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        exchange.getResponseBody().write(body);
      }
    } catch (IOException e) {
      LOG.debug("client went away before the response: {}", e.toString());
    }
  }

  /**
   * An unread request body would break the next request on a kept-alive connection. A small rest is skipped; a
   * large one (an oversized upload we refused) is not worth reading, so the connection is closed instead.
   */
  private static void drain(HttpExchange exchange) throws IOException {
    InputStream in = exchange.getRequestBody();
    long skipped = in.skip(64 * 1024);
    if (skipped == 64 * 1024 && in.read() != -1) {
      exchange.getResponseHeaders().set("Connection", "close");
    }
  }

  /** Stops accepting, lets in-flight exchanges finish for up to {@code graceSeconds}. */
  public void stop(int graceSeconds) {
    server.stop(graceSeconds);
    executor.shutdownNow();
  }

  @Override
  public void close() {
    stop(0);
  }
}
