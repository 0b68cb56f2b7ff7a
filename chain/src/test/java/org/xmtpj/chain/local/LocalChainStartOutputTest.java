package org.xmtpj.chain.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtpj.chain.ChainException;

/** How LocalChain learns the port a node started on port 0 bound: start-node.sh's "ready" line. */
class LocalChainStartOutputTest {
  @Test
  void readsThePortFromTheReadyLine(@TempDir Path dir) throws IOException {
    Path out = Files.writeString(dir.resolve("start.out"), "some npm noise\nready http://127.0.0.1:41234 chainId=31337 pid=777\n");

    assertThat(LocalChain.boundPort(out)).isEqualTo(41234);
  }

  @Test
  void failsWithTheOutputWhenThereIsNoReadyLine(@TempDir Path dir) throws IOException {
    Path out = Files.writeString(dir.resolve("start.out"), "ready http://127.0.0.1: chainId=31337 pid=777\nsomething else\n");

    assertThatThrownBy(() -> LocalChain.boundPort(out)).isInstanceOf(ChainException.class)
        .hasMessageContaining("no 'ready http://127.0.0.1:PORT").hasMessageContaining("something else");
    assertThatThrownBy(() -> LocalChain.boundPort(dir.resolve("missing.out"))).isInstanceOf(ChainException.class);
  }
}
