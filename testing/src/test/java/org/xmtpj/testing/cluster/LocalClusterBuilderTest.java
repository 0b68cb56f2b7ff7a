package org.xmtpj.testing.cluster;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.xmtpj.testing.cluster.LocalCluster.Mode;

/** The builder refuses, at once and by name, an option that the chosen mode cannot honour. */
class LocalClusterBuilderTest {
  private static final Path DIR = Path.of("unused"); // nothing starts: every call here fails before start()

  @Test
  void shouldRefuseAClockOrAConfigChangeForProcesses() {
    assertThatThrownBy(() -> LocalCluster.builder(Mode.PROCESS, DIR).clock(Clock.systemUTC()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clock(Clock) is for Mode.IN_JVM");
    assertThatThrownBy(() -> LocalCluster.builder(Mode.PROCESS, DIR).configure(c -> c))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("use set(key, value)");
  }

  @Test
  void shouldRefuseCommandLineSettingsForNodesInThisJvm() {
    assertThatThrownBy(() -> LocalCluster.builder(Mode.IN_JVM, DIR).set("replication.retention", "1h"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("use configure(");
  }
}
