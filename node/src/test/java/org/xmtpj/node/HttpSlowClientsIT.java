package org.xmtpj.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 finding 11 (slow clients): connections that send half a request and then nothing must not be held for
 * ever. The JDK server gets a request deadline (30 s by default) from the gateway; before, 3,000 such connections
 * were all still open after 60 s.
 */
class HttpSlowClientsIT {
  private static final int HALF_SENT = 300;

  @TempDir
  Path dir;

  @Test
  void shouldCloseConnectionsThatSendHalfARequestWithinTheRequestDeadlineAndKeepServing() throws Exception {
    try (NodeFixture f = new NodeFixture(dir)) {
      List<Socket> sockets = new ArrayList<>();
      try {
        for (int i = 0; i < HALF_SENT; i++) {
          Socket s = new Socket("127.0.0.1", f.node.httpPort());
          s.setSoTimeout(1);
          s.getOutputStream().write(("POST /message/v1/query HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
              .getBytes(StandardCharsets.US_ASCII));
          sockets.add(s);
        }
        // while they hang, an honest client is served
        HttpResponse<String> health = f.http.send(HttpRequest.newBuilder(URI.create(f.url("/healthz"))).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        await("every half-sent request closed by the node").atMost(Duration.ofSeconds(45))
            .pollInterval(Duration.ofMillis(500)).until(() -> sockets.stream().allMatch(HttpSlowClientsIT::closedByPeer));
      } finally {
        for (Socket s : sockets) {
          s.close();
        }
      }
    }
  }

  /** The peer closed (end of stream or reset); a read that merely times out means it is still open. */
  private static boolean closedByPeer(Socket s) {
    try {
      InputStream in = s.getInputStream();
      while (true) {
        if (in.read() == -1) {
          return true;
        }
      }
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }
}
