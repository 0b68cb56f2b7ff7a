package example;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtpj.node.NodeConfig;
import org.xmtpj.node.XmtpNode;

class QuickstartTest {
  @Test
  void shouldRunTheDocumentedQuickstartAgainstARealNode(@TempDir Path dir) throws Exception {
    NodeConfig config = NodeConfig.defaults(dir).withPorts("127.0.0.1", 0, 0);
    try (XmtpNode node = new XmtpNode(config.withReplication(config.replication().withPort(0)), Clock.systemUTC())
        .start()) {
      String out = Quickstart.run("http://127.0.0.1:" + node.httpPort());
      assertThat(out).contains("bob got: gm bob").contains("alice: gm bob\nbob: gm alice\n")
          .contains("bob's consent for alice: DENIED");
    }
  }
}
