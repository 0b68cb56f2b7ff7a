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
      assertCursorFromOneNodeContinuesOnAnother(cluster, topic);
    }
  }

  /** A page of 7 read on node 0; its cursor, used on node 1 and on node 2, gives what node 0 would give next. */
  private static void assertCursorFromOneNodeContinuesOnAnother(ReplicatedCluster cluster, String topic)
      throws Exception {
    for (String direction : new String[] {"SORT_DIRECTION_ASCENDING", "SORT_DIRECTION_DESCENDING"}) {
      String page = cluster.get(0).query(topic, 7, direction, null).body();
      var parsed = org.xmtp.proto.message.api.v1.QueryResponse.newBuilder();
      com.google.protobuf.util.JsonFormat.parser().ignoringUnknownFields().merge(page, parsed);
      assertThat(parsed.getPagingInfo().hasCursor()).as("page of 7 carries a cursor: " + page).isTrue();
      String cursor = com.google.protobuf.util.JsonFormat.printer().print(parsed.getPagingInfo().getCursor());
      String nextOnA = cluster.get(0).query(topic, 7, direction, cursor).body();
      for (int other = 1; other < 3; other++) {
        assertThat(cluster.get(other).query(topic, 7, direction, cursor).body())
            .as("node %d continues node 0's %s cursor", other, direction).isEqualTo(nextOnA);
      }
      assertThat(nextOnA).isNotEqualTo(page);
    }
  }
}
