package org.xmtpj.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.xmtpj.node.NodePorts;

/**
 * A real {@code xmtpd} node in its own JVM ({@code org.xmtpj.cli.Main start}), for crash, restart and
 * black-box tests. Every listener binds port 0 on first start, and the ports are read from the {@code ports.json}
 * the node writes into its data directory once they are all up ({@link NodePorts}): nothing guesses a free port.
 * Output goes to {@code <dataDir>/../<dataDir name>.log}. Not thread-safe: drive one instance from one test thread.
 *
 * <pre>{@code
 * try (NodeProcess node = NodeProcess.start(dir, List.of("--no-rate-limit"))) {
 *   node.kill9();
 *   node.restart();   // same data dir, arguments and the ports it bound the first time
 * }
 * }</pre>
 */
public final class NodeProcess implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration REBIND_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration POLL = Duration.ofMillis(50);
  private static final String HOST = "127.0.0.1";
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2))
      .build();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
        "node-process-reaper"));
  }

  private final Path dataDir;
  private final Path logFile;
  private final List<String> extraArgs;
  private final List<String> jvmArgs;
  private NodePorts ports; // null until the first start has bound them
  private Process process;

  private NodeProcess(Path dataDir, List<String> jvmArgs, List<String> extraArgs) {
    this.jvmArgs = List.copyOf(jvmArgs);
    this.dataDir = dataDir.toAbsolutePath();
    this.logFile = this.dataDir.resolveSibling(this.dataDir.getFileName() + ".log");
    this.extraArgs = List.copyOf(extraArgs);
  }

  /**
   * Starts a node whose HTTP, gRPC and (unless {@code extraArgs} sets it) replication listeners bind port 0, reads
   * the ports it bound from {@code ports.json}, and waits (at most 60 s) until {@code GET /healthz} returns 200.
   *
   * @param dataDir the node's data directory (created if missing)
   * @param extraArgs further {@code xmtpd start} arguments, e.g. {@code --no-rate-limit}, or {@code
   *     --peers-file FILE} for a node of a network whose peers are known once they run
   * @throws IllegalStateException with the log tail if the node does not become healthy
   */
  public static NodeProcess start(Path dataDir, List<String> extraArgs) {
    return start(dataDir, List.of(), extraArgs);
  }

  /**
   * As {@link #start(Path, List)}, with options for the node's JVM, e.g. {@code -Xmx384m} for a test that the node
   * stays within a heap.
   */
  public static NodeProcess start(Path dataDir, List<String> jvmArgs, List<String> extraArgs) {
    NodeProcess node = new NodeProcess(dataDir, jvmArgs, extraArgs);
    long logOffset = node.logSize();
    node.launch(List.of("--http-port", "0", "--grpc-port", "0"));
    String failure = node.awaitReady();
    if (failure != null) {
      throw node.failed(failure, logOffset);
    }
    return node;
  }

  public int httpPort() {
    return ports.http();
  }

  public int grpcPort() {
    return ports.grpc();
  }

  /** The node-to-node port it bound, or -1 when replication is off. */
  public int replicationPort() {
    return ports.replication();
  }

  /** {@code 127.0.0.1:<replicationPort>}: what peers dial, and what a chain registration names. */
  public String replicationEndpoint() {
    return HOST + ":" + ports.replication();
  }

  /** The node's public key (hex), as {@code --peer KEY@HOST:PORT} pins it. */
  public String nodeKey() {
    return ports.node();
  }

  /** {@code http://127.0.0.1:<httpPort>}, without a trailing slash. */
  public String httpUrl() {
    return "http://" + HOST + ":" + ports.http();
  }

  /** The operating-system id of the current node process. */
  public long pid() {
    return process.pid();
  }

  public Path dataDir() {
    return dataDir;
  }

  public Path logFile() {
    return logFile;
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** The exit code of the last node process; only valid once it has ended. */
  public int exitCode() {
    return process.exitValue();
  }

  /** Sends SIGKILL (no shutdown hooks, no drain) and waits until the process is gone. */
  public void kill9() {
    process.destroyForcibly();
    awaitExit(process);
    LIVE.remove(process);
  }

  /**
   * Sends SIGTERM (the node drains) and waits up to 30 s, then SIGKILL.
   *
   * @return the exit code (137 after a forced kill)
   */
  public int stop() {
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    awaitExit(process);
    LIVE.remove(process);
    return process.exitValue();
  }

  /**
   * Starts the node again with the same data directory and arguments, on the ports it bound the first time, so
   * that peers and clients find it where it was (stopping it first if it is still alive). These ports were the
   * node's own, but while it was down another process may have taken one (an outgoing connection's ephemeral
   * port): the start is retried for up to 20 s while the log says the address is in use. Returns this instance.
   */
  public NodeProcess restart() {
    if (isAlive()) {
      stop();
    }
    NodePorts bound = ports;
    List<String> fixed = List.of("--http-port", Integer.toString(bound.http()), "--grpc-port",
        Integer.toString(bound.grpc()));
    long deadline = System.nanoTime() + REBIND_TIMEOUT.toNanos();
    while (true) {
      long logOffset = logSize();
      launch(fixed);
      String failure = awaitReady();
      if (failure == null) {
        return this;
      }
      String output = readLog(logOffset);
      boolean portBusy = output.contains("Address already in use") || output.contains("BindException");
      if (!portBusy || System.nanoTime() > deadline) {
        throw failed(failure, logOffset);
      }
      // the port is held by someone else's connection: it frees when that ends; wait for this process's exit only
    }
  }

  /**
   * Waits until the node's first catch-up with its peers is over ({@code "bootstrapped":true} on
   * {@code /debug/replication}): before that it answers publishes with 503 catching_up.
   *
   * @throws IllegalStateException when it does not get there within {@code timeout}
   */
  public NodeProcess awaitBootstrapped(Duration timeout) {
    HttpRequest status = HttpRequest.newBuilder(URI.create(httpUrl() + "/debug/replication"))
        .timeout(Duration.ofSeconds(2)).GET().build();
    AtomicReference<String> last = new AtomicReference<>("no answer");
    try {
      Awaitility.await("node on " + httpUrl() + " bootstrapped").atMost(timeout).pollInterval(POLL)
          .pollInSameThread().until(() -> {
            try {
              HttpResponse<String> r = HTTP.send(status, HttpResponse.BodyHandlers.ofString());
              last.set(r.statusCode() + " " + r.body());
              return r.statusCode() == 200 && r.body().replace(" ", "").contains("\"bootstrapped\":true");
            } catch (IOException e) {
              last.set(e.toString());
              return false;
            }
          });
      return this;
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException("node on " + httpUrl() + " not bootstrapped within " + timeout.toSeconds()
          + " s; /debug/replication: " + last.get(), e);
    }
  }

  /** Stops the node (SIGTERM, then SIGKILL after 30 s) if it is still alive. */
  @Override
  public void close() {
    if (isAlive()) {
      stop();
    }
  }

  private void launch(List<String> portArgs) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED"));
    command.addAll(jvmArgs);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"),
        "org.xmtpj.cli.Main", "start",
        "--data-dir", dataDir.toString(),
        "--host", HOST));
    command.addAll(portArgs);
    if (extraArgs.stream().noneMatch(a -> a.startsWith("--replication-port") || a.startsWith("replication.port="))) {
      // never the fixed default 5557: tests run several nodes; after the first start, the port it bound then
      int replication = ports == null ? 0 : ports.replication();
      command.addAll(List.of("--replication-port", Integer.toString(replication)));
    }
    command.addAll(extraArgs);
    try {
      Files.createDirectories(dataDir);
      // a ports.json left by an earlier process would name ports that are not this one's
      Files.deleteIfExists(dataDir.resolve(NodePorts.FILE));
      Files.writeString(logFile, "=== " + Instant.now() + " " + String.join(" ", jvmArgs) + " "
          + String.join(" ", command.subList(command.indexOf("org.xmtpj.cli.Main"), command.size()))
          + System.lineSeparator(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(Redirect.appendTo(logFile.toFile()))
          .redirectInput(Redirect.PIPE)
          .start();
      LIVE.add(process);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start node in " + dataDir, e);
    }
  }

  /**
   * Waits for {@code ports.json} (every listener bound), then for {@code /healthz}. Returns null once healthy, or
   * why it did not get there (the process is then gone).
   */
  private String awaitReady() {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    AtomicReference<NodePorts> bound = new AtomicReference<>();
    String failure = awaitUntil(deadline, "its ports.json", () -> {
      NodePorts p = NodePorts.read(dataDir).orElse(null);
      bound.set(p);
      return p != null;
    });
    if (failure != null) {
      return failure;
    }
    ports = bound.get();
    HttpRequest health = HttpRequest.newBuilder(URI.create(httpUrl() + "/healthz"))
        .timeout(Duration.ofSeconds(2)).GET().build();
    return awaitUntil(deadline, "200 from " + httpUrl() + "/healthz", () -> {
      try {
        return HTTP.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
      } catch (IOException notYet) {
        return false;
      }
    });
  }

  /** Null once {@code ready} holds, else why not; the process is killed on a timeout, and fails fast if it exits. */
  private String awaitUntil(long deadlineNanos, String what, Callable<Boolean> ready) {
    Process p = process;
    try {
      Awaitility.await(what).atMost(Duration.ofNanos(Math.max(1, deadlineNanos - System.nanoTime())))
          .pollInterval(POLL).pollInSameThread()
          .failFast("node process exited", () -> !p.isAlive())
          .until(ready);
      return null;
    } catch (ConditionTimeoutException e) {
      if (!p.isAlive()) {
        LIVE.remove(p);
        return "node process exited with code " + p.exitValue() + " before " + what;
      }
      kill9();
      return "node in " + dataDir + " did not get to " + what + " within " + READY_TIMEOUT.toSeconds() + " s";
    } catch (org.awaitility.core.TerminalFailureException e) {
      awaitExit(p);
      LIVE.remove(p);
      return "node process exited with code " + p.exitValue() + " before " + what;
    }
  }

  private IllegalStateException failed(String failure, long logOffset) {
    return new IllegalStateException(failure + "; node log " + logFile + " ends with:\n" + tail(readLog(logOffset)));
  }

  private static void awaitExit(Process p) {
    boolean interrupted = false;
    while (true) {
      try {
        p.waitFor();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private long logSize() {
    try {
      return Files.exists(logFile) ? Files.size(logFile) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private String readLog(long fromOffset) {
    try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
      long start = Math.max(fromOffset, file.length() - 1_000_000);
      byte[] bytes = new byte[(int) Math.max(0, file.length() - start)];
      file.seek(start);
      file.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + logFile + ": " + e + ")";
    }
  }

  private static String tail(String text) {
    List<String> lines = text.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }
}
