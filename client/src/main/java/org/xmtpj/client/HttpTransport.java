package org.xmtpj.client;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.xmtp.proto.message.api.v1.BatchQueryRequest;
import org.xmtp.proto.message.api.v1.BatchQueryResponse;
import org.xmtp.proto.message.api.v1.Envelope;
import org.xmtp.proto.message.api.v1.PublishRequest;
import org.xmtp.proto.message.api.v1.QueryRequest;
import org.xmtp.proto.message.api.v1.QueryResponse;
import org.xmtp.proto.message.api.v1.SubscribeRequest;

/** The node's HTTP/JSON gateway (the grpc-gateway routes xmtp-js uses), over the JDK's HTTP client. */
final class HttpTransport implements ApiTransport {
  static final String CLIENT_VERSION = "xmtpj-client/0.1";
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

  private final URI base;
  private final HttpClient http;
  private final Duration callTimeout;

  HttpTransport(URI base, Duration callTimeout) {
    String s = base.toString();
    this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    this.callTimeout = callTimeout;
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor())
        .build();
  }

  @Override
  public void publish(List<Envelope> envelopes, String authorization) {
    call("publish", PublishRequest.newBuilder().addAllEnvelopes(envelopes).build(), authorization, null);
  }

  @Override
  public QueryResponse query(QueryRequest request) {
    return call("query", request, null, QueryResponse.newBuilder()).build();
  }

  @Override
  public BatchQueryResponse batchQuery(BatchQueryRequest request) {
    return call("batch-query", request, null, BatchQueryResponse.newBuilder()).build();
  }

  @Override
  public org.xmtpj.proto.checkpoint.v1.InclusionProofResponse inclusionProof(
      org.xmtpj.proto.checkpoint.v1.InclusionProofRequest request) {
    return call("/checkpoint/v1/inclusion-proof", request, null,
        org.xmtpj.proto.checkpoint.v1.InclusionProofResponse.newBuilder()).build();
  }

  /** {@code route} is a MessageApi method ("query") or a full path ("/checkpoint/v1/…"). */
  private <B extends Message.Builder> B call(String route, Message request, String authorization, B response) {
    HttpRequest.Builder b = post(route, request).timeout(callTimeout);
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    HttpResponse<String> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new XmtpException(XmtpException.Kind.CLOSED, "interrupted while calling " + route);
    }
    if (r.statusCode() / 100 != 2) {
      throw rejected(route, r.statusCode(), r.body());
    }
    if (response != null) {
      try {
        PARSER.merge(r.body(), response);
      } catch (InvalidProtocolBufferException e) {
        throw new XmtpException(XmtpException.Kind.NODE_REJECTED, 13,
            "node at " + base + " sent a malformed " + route + " response: " + e.getMessage(), e);
      }
    }
    return response;
  }

  private HttpRequest.Builder post(String route, Message request) {
    try {
      return HttpRequest.newBuilder(URI.create(base + (route.startsWith("/") ? route : "/message/v1/" + route)))
          .header("Content-Type", "application/json")
          .header("X-Client-Version", CLIENT_VERSION)
          .POST(HttpRequest.BodyPublishers.ofString(PRINTER.print(request), StandardCharsets.UTF_8));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  private XmtpException unreachable(IOException e) {
    String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new XmtpException(XmtpException.Kind.NODE_UNREACHABLE, "cannot reach the node at " + base + " (" + why
        + "); is it running and is the URL right?", e);
  }

  /** grpc-gateway error bodies are {"code":N,"message":"..."}; anything else is reported by HTTP status. */
  static XmtpException rejected(String route, int httpStatus, String body) {
    int code = -1;
    String message = body;
    try {
      JsonObject o = JsonParser.parseString(body).getAsJsonObject();
      if (o.has("code")) {
        code = o.get("code").getAsInt();
      }
      if (o.has("message")) {
        message = o.get("message").getAsString();
      }
    } catch (RuntimeException e) {
      message = body.length() > 200 ? body.substring(0, 200) + "..." : body;
    }
    return new XmtpException(XmtpException.Kind.NODE_REJECTED, code,
        "node refused " + route + " (HTTP " + httpStatus + (code >= 0 ? ", code " + code : "") + "): " + message,
        null);
  }

  @Override
  public Subscription subscribe(List<String> topics, Listener listener) {
    HttpRequest request = post("subscribe", SubscribeRequest.newBuilder().addAllContentTopics(topics).build()).build();
    AtomicBoolean closed = new AtomicBoolean();
    AtomicReference<InputStream> body = new AtomicReference<>();
    Thread reader = Thread.ofVirtual().name("xmtp-http-subscribe").start(() -> {
      XmtpException failure = null;
      try {
        HttpResponse<InputStream> r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        body.set(r.body());
        if (closed.get()) {
          r.body().close();
          return;
        }
        if (r.statusCode() / 100 != 2) {
          try (InputStream in = r.body()) {
            failure = rejected("subscribe", r.statusCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
          }
        } else {
          listener.onOpen();
          readLines(r.body(), listener);
        }
      } catch (IOException e) {
        failure = closed.get() ? null : unreachable(e);
      } catch (InterruptedException e) {
        failure = null;
      } catch (XmtpException e) {
        failure = e;
      }
      if (!closed.get()) {
        listener.onClosed(failure);
      }
    });
    return () -> {
      if (closed.compareAndSet(false, true)) {
        InputStream in = body.get();
        if (in != null) {
          try {
            in.close();
          } catch (IOException ignored) {
            // the connection is going away either way
          }
        }
        reader.interrupt();
      }
    };
  }

  /** Newline-delimited {"result":Envelope} objects; {"result":{}} keep-alives carry no message and are dropped. */
  private void readLines(InputStream in, Listener listener) throws IOException {
    BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      if (line.isBlank()) {
        continue;
      }
      JsonElement result;
      try {
        JsonObject frame = JsonParser.parseString(line).getAsJsonObject();
        if (frame.has("error")) {
          throw new XmtpException(XmtpException.Kind.NODE_REJECTED, "subscription failed: " + frame.get("error"));
        }
        result = frame.get("result");
        Envelope.Builder e = Envelope.newBuilder();
        PARSER.merge(result.toString(), e);
        if (!e.getMessage().isEmpty()) {
          listener.onEnvelope(e.build());
        }
      } catch (JsonParseException | IllegalStateException | NullPointerException e) {
        throw new XmtpException(XmtpException.Kind.NODE_REJECTED, "malformed subscription frame from " + base, e);
      }
    }
  }

  @Override
  public String endpoint() {
    return base.toString();
  }

  @Override
  public void close() {
    http.close();
  }
}
