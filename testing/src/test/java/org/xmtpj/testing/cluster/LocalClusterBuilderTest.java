package org.xmtpj.testing.cluster;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
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

  @Test
  void shouldRefuseRawArgumentsForNodesInThisJvmAndArgumentsTheClusterSetsItself() {
    assertThatThrownBy(() -> LocalCluster.builder(Mode.IN_JVM, DIR).args(List.of("--store", "postgres")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("use configure(");
    assertThatThrownBy(() -> LocalCluster.builder(Mode.PROCESS, DIR).args(List.of("--peers-file", "x")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--peers-file is set by the cluster");
    assertThatThrownBy(() -> LocalCluster.builder(Mode.PROCESS, DIR).args(List.of("--replication-port=7")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is set by the cluster");
  }

  @Test
  void shouldRefuseJvmOptionsForNodesInThisJvmAndArgumentsThatAreNoJvmOptions() {
    assertThatThrownBy(() -> LocalCluster.builder(Mode.IN_JVM, DIR).jvmArgs(List.of("-Xmx512m")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jvmArgs(...) is for Mode.PROCESS");
    assertThatThrownBy(() -> LocalCluster.builder(Mode.PROCESS, DIR).jvmArgs(List.of("Xmx512m")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a JVM option");
  }

  @Test
  void shouldRefuseToPrepareAClusterWhoseProxiesNeedRunningNodes() {
    assertThatThrownBy(() -> LocalCluster.builder(Mode.IN_JVM, DIR).faultProxies(Duration.ZERO).prepare())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prepare(): fault proxies");
  }
}
