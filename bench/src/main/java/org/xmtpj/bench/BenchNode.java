package org.xmtpj.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.xmtpj.testing.NodeProcess;
import org.xmtpj.testing.cluster.ClusterNode;
import org.xmtpj.testing.cluster.ReplicationStatus;

/**
 * A node under test, and what we read from it: a lone {@code xmtpd} process on a fresh data directory
 * ({@link #start}), or a view of a running {@code LocalCluster} node ({@link #of}), which the cluster stops.
 */
final class BenchNode implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();

  private final NodeProcess process; // null for a cluster node: the cluster owns it
  private final long pid;
  private final String httpUrl;
  private final int grpcPort;
  private final int replicationPort;
  private final Path dataDir;
  private final Path logFile;
  private final boolean keepData;

  private BenchNode(NodeProcess process, long pid, String httpUrl, int grpcPort, int replicationPort, Path dataDir,
      Path logFile, boolean keepData) {
    this.process = process;
    this.pid = pid;
    this.httpUrl = httpUrl;
    this.grpcPort = grpcPort;
    this.replicationPort = replicationPort;
    this.dataDir = dataDir;
    this.logFile = logFile;
    this.keepData = keepData;
  }

  /** A cluster node as it runs now (its process id changes with a restart: take a new view then). */
  static BenchNode of(ClusterNode node) {
    return new BenchNode(null, node.pid(), node.httpUrl(), node.grpcPort(), node.replicationPort(), node.dataDir(),
        node.logFile().orElseThrow(() -> new IllegalArgumentException(node.name() + " is not a process")), true);
  }

  /** A node on {@code dataDir}, or on a fresh directory under {@code runsDir} if that is null. */
  static BenchNode start(Path runsDir, Path dataDir, String scenario, List<String> nodeArgs, boolean keepData) {
    if (dataDir == null) {
      String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
      dataDir = runsDir.resolve(scenario + "-" + stamp).toAbsolutePath();
    } else {
      dataDir = dataDir.toAbsolutePath();
      keepData = true;
    }
    return startAt(dataDir, nodeArgs, keepData);
  }

  /** A node on {@code dataDir} (created if missing), deleted on close unless {@code keepData}. */
  static BenchNode startAt(Path dataDir, List<String> nodeArgs, boolean keepData) {
    dataDir = dataDir.toAbsolutePath();
    List<String> args = new ArrayList<>(List.of("--no-rate-limit"));
    args.addAll(nodeArgs);
    long t0 = System.nanoTime();
    NodeProcess p = NodeProcess.start(dataDir, args);
    System.out.printf("node started in %.1f s: pid %d, grpc %d, http %d, data %s, args %s%n",
        (System.nanoTime() - t0) / 1e9, p.pid(), p.grpcPort(), p.httpPort(), dataDir, args);
    return new BenchNode(p, p.pid(), p.httpUrl(), p.grpcPort(), p.replicationPort(), dataDir, p.logFile(),
        keepData);
  }

  int grpcPort() {
    return grpcPort;
  }

  /** The node-to-node port it bound (port 0 unless its arguments fix one). */
  int replicationPort() {
    return replicationPort;
  }

  String httpUrl() {
    return httpUrl;
  }

  long pid() {
    return pid;
  }

  Path dataDir() {
    return dataDir;
  }

  Path logFile() {
    return logFile;
  }

  /** {@code GET /debug/replication}, parsed; null if it cannot be read. */
  ReplicationStatus replication() {
    String body = get("/debug/replication");
    try {
      return body.isEmpty() ? null : ReplicationStatus.parse(body);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** CPU time (user + system) the node process has used so far, in nanoseconds; -1 if unknown. */
  long cpuNanos() {
    return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration())
        .map(Duration::toNanos).orElse(-1L);
  }

  /** Bytes under the data directory (database, WAL). */
  long diskBytes() {
    try (Stream<Path> files = Files.walk(dataDir)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> {
        try {
          return Files.size(f);
        } catch (IOException e) {
          return 0;
        }
      }).sum();
    } catch (IOException e) {
      return -1;
    }
  }

  /** The Prometheus text of {@code GET /metrics}, or "" if it cannot be read. */
  String metrics() {
    return get("/metrics");
  }

  private String get(String path) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(httpUrl() + path))
          .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : "";
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** Sum of every sample of {@code name} (all label sets) in a Prometheus text exposition; NaN if absent. */
  static double metric(String text, String name) {
    double sum = 0;
    boolean found = false;
    for (String line : text.split("\n")) {
      if (line.startsWith("#") || !line.startsWith(name)) {
        continue;
      }
      int end = name.length();
      if (line.length() <= end || (line.charAt(end) != ' ' && line.charAt(end) != '{')) {
        continue;
      }
      String value = line.substring(line.lastIndexOf(' ') + 1);
      try {
        sum += Double.parseDouble(value);
        found = true;
      } catch (NumberFormatException ignored) {
        // not a sample line
      }
    }
    return found ? sum : Double.NaN;
  }

  @Override
  public void close() {
    if (process == null) {
      return; // a cluster node: the cluster stops it
    }
    int code = process.stop();
    System.out.println("node stopped (exit " + code + "), log " + process.logFile());
    if (!keepData) {
      try (Stream<Path> files = Files.walk(dataDir)) {
        for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(f);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete " + dataDir, e);
      }
    }
  }
}
