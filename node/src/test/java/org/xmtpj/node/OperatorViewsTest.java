package org.xmtpj.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtpj.node.http.OperatorAccess;

/**
 * Issue 13 finding 11: {@code /metrics} and {@code /debug/*} (chain RPC endpoint, peers, evidence) are operator
 * views. A stranger, including one relayed by a proxy on the node's machine, is refused; the node's own machine and
 * holders of the operator token are served.
 */
class OperatorViewsTest {
  private static final List<String> VIEWS = List.of("/metrics", "/debug/replication", "/debug/evidence",
      "/debug/chain", "/debug/checkpoints");

  @TempDir
  Path dir;

  @Test
  void shouldRefuseOperatorViewsToARelayedStrangerAndServeThemOnTheNodesOwnMachine() throws Exception {
    try (NodeFixture f = new NodeFixture(dir)) {
      for (String view : VIEWS) {
        assertThat(get(f, view, null, null).statusCode()).as("%s from this machine", view).isEqualTo(200);
        HttpResponse<String> relayed = get(f, view, "X-Forwarded-For", "203.0.113.7");
        assertThat(relayed.statusCode()).as("%s through a proxy", view).isEqualTo(403);
        assertThat(relayed.body()).contains("\"code\":7").contains("operator view");
        assertThat(get(f, view, "Forwarded", "for=203.0.113.7").statusCode()).as(view).isEqualTo(403);
        assertThat(get(f, view, "Authorization", "Bearer guessed-token-guessed").statusCode()).isEqualTo(200);
      }
      assertThat(get(f, "/healthz", "X-Forwarded-For", "203.0.113.7").statusCode()).as("health stays public")
          .isEqualTo(200);
    }
  }

  @Test
  void shouldServeOperatorViewsThroughAProxyToTheHolderOfTheTokenOnly() throws Exception {
    String token = "4f1c9e0b7d2a6e3f5b8c1d0e9f2a7b6c";
    Files.writeString(dir.resolve(OperatorAccess.TOKEN_FILE), token + "\n");
    try (NodeFixture f = new NodeFixture(dir)) {
      for (String view : VIEWS) {
        HttpRequest.Builder withToken = request(f, view).header("X-Forwarded-For", "203.0.113.7")
            .header("Authorization", "Bearer " + token);
        assertThat(f.http.send(withToken.build(), HttpResponse.BodyHandlers.ofString()).statusCode()).as(view)
            .isEqualTo(200);
        HttpRequest.Builder wrong = request(f, view).header("X-Forwarded-For", "203.0.113.7")
            .header("Authorization", "Bearer " + token.substring(1) + "0");
        assertThat(f.http.send(wrong.build(), HttpResponse.BodyHandlers.ofString()).statusCode()).as(view)
            .isEqualTo(403);
      }
    }
  }

  @Test
  void shouldRefuseToStartWithAShortOperatorToken() throws Exception {
    Files.writeString(dir.resolve(OperatorAccess.TOKEN_FILE), "short");

    assertThatThrownBy(() -> new NodeFixture(dir)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 16").hasMessageContaining("openssl rand");
  }

  private static HttpRequest.Builder request(NodeFixture f, String path) {
    return HttpRequest.newBuilder(URI.create(f.url(path))).GET();
  }

  private static HttpResponse<String> get(NodeFixture f, String path, String header, String value) throws Exception {
    HttpRequest.Builder b = request(f, path);
    if (header != null) {
      b.header(header, value);
    }
    return f.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
