package org.xmtpj.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three real nodes in one JVM, peered over loopback gRPC: what one stores, the others get. */
class ReplicationSmokeTest {
  @TempDir
  Path dir;

  @Test
  void shouldReplicatePublishesToEveryPeerAndAgreeOnFingerprint() throws Exception {
    try (ReplicatedCluster cluster = new ReplicatedCluster(dir, 3, Duration.ofSeconds(2))) {
      String topic = "/xmtp/0/m-smoke/proto";
      for (int i = 0; i < 30; i++) {
        HttpResponse<String> r = cluster.publish(i % 3, topic, 1_000 + i, ("m" + i).getBytes());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      }
      assertThat(cluster.awaitAgreement(Duration.ofSeconds(20))).as("fingerprints agree").isTrue();
      String first = null;
      for (NodeFixture f : cluster.nodes) {
        String body = f.query(topic, 100, null, null).body();
        for (int i = 0; i < 30; i++) {
          assertThat(body).contains(Base64.getEncoder().encodeToString(("m" + i).getBytes()));
        }
        assertThat(first == null || first.equals(body)).as("identical query results on every node").isTrue();
        first = body;
      }
    }
  }
}
