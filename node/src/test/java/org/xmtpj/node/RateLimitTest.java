package org.xmtpj.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtpj.node.ratelimit.RateLimitConfig;

class RateLimitTest {
  @TempDir
  Path dir;

  @Test
  void shouldAnswer429WhenAClientExceedsItsPublishBudget() throws Exception {
    try (NodeFixture f = new NodeFixture(dir, c -> c.withRateLimit(new RateLimitConfig(true, 1, 3, 1, 5, 100)))) {
      String t = "/xmtp/0/m-rate/proto";
      for (int i = 0; i < 3; i++) {
        assertThat(f.publish(f.alice, t, i, new byte[] {(byte) i}).statusCode()).isEqualTo(200);
      }
      var refused = f.publish(f.alice, t, 9, new byte[] {9});
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.body()).contains("\"code\":8").contains("publish rate limit exceeded");
      assertThat(HttpGatewayTest.parseQuery(f.query(t, 0, null, null).body()).getEnvelopesCount()).isEqualTo(3);
      for (int i = 0; i < 4; i++) {
        assertThat(f.query(t, 0, null, null).statusCode()).isEqualTo(200);
      }
      var limited = f.query(t, 0, null, null);
      assertThat(limited.statusCode()).isEqualTo(429);
      assertThat(limited.body()).contains("request rate limit exceeded");
    }
  }
}
