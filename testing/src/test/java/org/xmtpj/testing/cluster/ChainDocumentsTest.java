package org.xmtpj.testing.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtpj.testing.cluster.LocalCluster.Mode;

/** The chain-backed cluster's documents, parsed as the node writes them, and what its builder refuses. */
class ChainDocumentsTest {
  @TempDir
  Path dir;

  @Test
  void shouldParseTheCheckpointsDocumentNewestFirst() {
    String root = "ab".repeat(32);
    String cut = "cd".repeat(32);
    CheckpointStatus s = CheckpointStatus.parse("{\"epochLengthSeconds\":4,\"settleMs\":1500,\"checkpoints\":["
        + "{\"epoch\":7,\"boundaryMs\":1700000004000,\"root\":\"" + root + "\",\"cutHash\":\"" + cut
        + "\",\"events\":12,\"topics\":3,\"newEvents\":2,\"changedTopics\":1,\"computeMs\":5},"
        + "{\"epoch\":6,\"boundaryMs\":1700000000000,\"root\":\"" + cut + "\",\"cutHash\":\"" + root
        + "\",\"events\":10,\"topics\":2,\"newEvents\":10,\"changedTopics\":2,\"computeMs\":4}]}");

    assertThat(s.epochLengthSeconds()).isEqualTo(4);
    assertThat(s.settleMs()).isEqualTo(1500);
    assertThat(s.checkpoints()).extracting(CheckpointStatus.Checkpoint::epoch).containsExactly(7L, 6L);
    assertThat(s.epoch(7)).get().isEqualTo(new CheckpointStatus.Checkpoint(7, 1700000004000L, root, cut, 12, 3, 2,
        1, 5));
    assertThat(s.epoch(5)).isEmpty();
  }

  @Test
  void shouldParseTheChainDocumentWithItsActiveSetInOrder() {
    ChainStatus s = ChainStatus.parse("{\"rpc\":\"http://127.0.0.1:8545\",\"chainId\":31337,\"indexedBlock\":40,"
        + "\"headBlock\":41,\"lagBlocks\":1,\"reorgs\":0,\"stale\":false,\"lastError\":null,\"selfNodeId\":2,"
        + "\"selfActive\":true,\"epoch\":3,\"registeredNodes\":4,\"activeSet\":["
        + "{\"id\":4,\"nodeKey\":\"aa\",\"endpoint\":\"127.0.0.1:4001\"},"
        + "{\"id\":1,\"nodeKey\":\"bb\",\"endpoint\":\"unbound\"}]}");

    assertThat(s.activeIds()).containsExactly(4L, 1L);
    assertThat(s.activeSet().get(1).endpoint()).isEqualTo("unbound");
    assertThat(s.selfNodeId()).isEqualTo(2L);
    assertThat(s.selfActive()).isTrue();
    assertThat(s.epoch()).isEqualTo(3);
    assertThat(ChainStatus.parse("{\"rpc\":\"x\",\"selfNodeId\":null,\"activeSet\":[]}").selfNodeId()).isNull();
  }

  @Test
  void shouldRefuseDocumentsThatAreNotTheirs() {
    assertThatThrownBy(() -> CheckpointStatus.parse("{\"node\":\"aa\"}")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("/debug/checkpoints");
    assertThatThrownBy(() -> ChainStatus.parse("[1,2]")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("/debug/chain");
  }

  @Test
  void shouldSumAMetricOverItsLabelSetsAndNothingElse() {
    Metrics m = Metrics.parse("""
        # HELP xmtpd_replication_sync_rounds_total Anti-entropy rounds completed
        # TYPE xmtpd_replication_sync_rounds_total counter
        xmtpd_replication_sync_rounds_total{peer="a b",result="ok"} 3.0
        xmtpd_replication_sync_rounds_total{peer="c"} 4
        xmtpd_replication_sync_rounds_created{peer="c"} 1.7E9
        xmtpd_checkpoint_stalled_epochs_total 2.0 1700000000000
        """);

    assertThat(m.sum("xmtpd_replication_sync_rounds_total")).isEqualTo(7.0);
    assertThat(m.sum("xmtpd_checkpoint_stalled_epochs_total")).isEqualTo(2.0);
    assertThat(m.sum("xmtpd_absent_total")).isZero();
    assertThat(m.samples().getFirst().labels()).isEqualTo("peer=\"a b\",result=\"ok\"");
    assertThatThrownBy(() -> Metrics.parse("xmtpd_x_total{a=\"b\"}")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldRefuseAChainClusterInTheJvm() {
    assertThatThrownBy(() -> LocalCluster.builder(Mode.IN_JVM, dir).chain(null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Mode.PROCESS");
  }
}
