package org.xmtpj.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PeerInfoTest {
  private static final String KEY = "ab".repeat(32);

  @Test
  void shouldParsePinnedAndUnpinnedPeers() {
    PeerInfo pinned = PeerInfo.parse(" " + KEY + "@node-2.example:5557 ");
    assertThat(pinned.key().hex()).isEqualTo(KEY);
    assertThat(pinned.address()).isEqualTo("node-2.example:5557");

    PeerInfo unpinned = PeerInfo.parse("10.0.0.7:6000");
    assertThat(unpinned.key()).isNull();
    assertThat(unpinned.host()).isEqualTo("10.0.0.7");
    assertThat(unpinned.port()).isEqualTo(6000);

    assertThat(PeerInfo.parse("[::1]:5557").host()).isEqualTo("::1");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "abcd@host:5557           | node key must be 64 hex characters",
      "zz@host:5557             | node key must be 64 hex characters",
      "host                     | expected [NODEKEY@]HOST:PORT",
      "host:                    | expected [NODEKEY@]HOST:PORT",
      ":5557                    | expected [NODEKEY@]HOST:PORT",
      "host:port                | port is not a number",
      "host:0                   | port out of range",
      "host:65536               | port out of range"})
  void shouldNameWhatIsWrongWithAPeer(String spec, String message) {
    assertThatThrownBy(() -> PeerInfo.parse(spec)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("peer '" + spec + "'").hasMessageContaining(message);
  }
}
