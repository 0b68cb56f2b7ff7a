package org.xmtpj.node.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.xmtpj.dag.ClientEnvelope;
import org.xmtpj.node.api.MessageApiCore;
import org.xmtpj.node.subscribe.EnvelopeSink;

/**
 * Newline-delimited JSON over a chunked response. Never writes blank lines or {"error":…} objects (either breaks
 * xmtp-js's stream parser); keep-alives are {"result":{}} lines, which the client drops silently.
 */
final class HttpStreamSink implements EnvelopeSink {
  private static final byte[] KEEP_ALIVE = "{\"result\":{}}\n".getBytes(StandardCharsets.US_ASCII);

  private final HttpExchange exchange;
  private final OutputStream out;

  HttpStreamSink(HttpExchange exchange) {
    this.exchange = exchange;
    this.out = exchange.getResponseBody();
  }

  /** Pushes out what is buffered (the response headers) without waiting for the first envelope. */
  synchronized void flush() throws IOException {
    out.flush();
  }

  @Override
  public synchronized void send(ClientEnvelope envelope) throws IOException {
    out.write(JsonWire.streamLine(MessageApiCore.toProto(envelope)));
    out.flush();
  }

  @Override
  public synchronized void keepAlive() throws IOException {
    out.write(KEEP_ALIVE);
    out.flush();
  }

  @Override
  public void fail(String reason) {
    // ending the stream makes xmtp-js reconnect; an error line would only break its parser first
    close();
  }

  @Override
  public void closed() {
    close();
  }

  private synchronized void close() {
    try {
      out.close();
    } catch (IOException ignored) {
      // the client is gone already
    }
    exchange.close();
  }
}
