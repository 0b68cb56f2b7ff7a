package org.xmtpj.testing.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtp.proto.message.api.v1.Cursor;
import org.xmtp.proto.message.api.v1.Envelope;
import org.xmtp.proto.message.api.v1.PagingInfo;
import org.xmtp.proto.message.api.v1.QueryRequest;
import org.xmtp.proto.message.api.v1.QueryResponse;
import org.xmtp.proto.message.api.v1.SortDirection;
import org.xmtpj.testing.TestClients;
import org.xmtpj.testing.TestClients.HttpResult;
import org.xmtpj.testing.cluster.LocalCluster.Mode;

/** Three real nodes in one JVM, peered over loopback gRPC: what one stores, the others get. */
class ReplicationSmokeTest {
  private static final TestClients CLIENT = TestClients.newIdentity();
  private static final String TOPIC = "/xmtp/0/m-smoke/proto";

  @TempDir
  Path dir;

  @Test
  void shouldReplicatePublishesToEveryPeerAndAgreeOnFingerprint() throws Exception {
    try (LocalCluster cluster = LocalCluster.builder(Mode.IN_JVM, dir).nodes(3).start()) {
      for (int i = 0; i < 30; i++) {
        Envelope e = Envelope.newBuilder().setContentTopic(TOPIC).setTimestampNs(1_000 + i)
            .setMessage(ByteString.copyFromUtf8("m" + i)).build();
        HttpResult r = CLIENT.publish(cluster.node(i % 3).httpUrl(), List.of(e));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
      }
      cluster.awaitAgreement();
      QueryResponse first = null;
      for (ClusterNode node : cluster.nodes()) {
        QueryResponse all = query(node, 100, SortDirection.SORT_DIRECTION_UNSPECIFIED, null);
        List<String> messages = all.getEnvelopesList().stream()
            .map(e -> e.getMessage().toString(StandardCharsets.UTF_8)).toList();
        for (int i = 0; i < 30; i++) {
          assertThat(messages).as("on %s", node.name()).contains("m" + i);
        }
        assertThat(first == null || first.equals(all)).as("identical query results on every node").isTrue();
        first = all;
      }
      assertCursorFromOneNodeContinuesOnAnother(cluster);
    }
  }

  /** A page of 7 read on node 0; its cursor, used on node 1 and on node 2, gives what node 0 would give next. */
  private static void assertCursorFromOneNodeContinuesOnAnother(LocalCluster cluster) throws Exception {
    for (SortDirection direction : List.of(SortDirection.SORT_DIRECTION_ASCENDING,
        SortDirection.SORT_DIRECTION_DESCENDING)) {
      QueryResponse page = query(cluster.node(0), 7, direction, null);
      assertThat(page.getPagingInfo().hasCursor()).as("page of 7 carries a cursor: " + page).isTrue();
      Cursor cursor = page.getPagingInfo().getCursor();
      QueryResponse nextOnA = query(cluster.node(0), 7, direction, cursor);
      for (int other = 1; other < 3; other++) {
        assertThat(query(cluster.node(other), 7, direction, cursor))
            .as("node %d continues node 0's %s cursor", other, direction).isEqualTo(nextOnA);
      }
      assertThat(nextOnA).isNotEqualTo(page);
    }
  }

  private static QueryResponse query(ClusterNode node, int limit, SortDirection direction, Cursor cursor)
      throws Exception {
    PagingInfo.Builder paging = PagingInfo.newBuilder().setLimit(limit).setDirection(direction);
    if (cursor != null) {
      paging.setCursor(cursor);
    }
    return CLIENT.query(node.httpUrl(),
        QueryRequest.newBuilder().addContentTopics(TOPIC).setPagingInfo(paging).build());
  }
}
