package org.xmtpj.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code xmtpd} node in its own JVM ({@code org.xmtpj.cli.Main start}), for crash, restart and
 * black-box tests. Output goes to {@code <dataDir>/../<dataDir name>.log}. Not thread-safe: drive one instance
 * from one test thread.
 *
 * <pre>{@code
 * try (NodeProcess node = NodeProcess.start(dir, List.of("--no-rate-limit"))) {
 *   node.kill9();
 *   node.restart();   // same data dir, ports and arguments
 * }
 * }</pre>
 */
public final class NodeProcess implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration BIND_RETRY_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
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
  private final int httpPort;
  private final int grpcPort;
  private final List<String> extraArgs;
  private Process process;

  private NodeProcess(Path dataDir, int httpPort, int grpcPort, List<String> extraArgs) {
    this.dataDir = dataDir.toAbsolutePath();
    this.logFile = this.dataDir.resolveSibling(this.dataDir.getFileName() + ".log");
    this.httpPort = httpPort;
    this.grpcPort = grpcPort;
    this.extraArgs = List.copyOf(extraArgs);
  }

  /**
   * Starts a node on two free loopback ports and waits (at most 60 s) until {@code GET /healthz} returns 200.
   * Unless {@code extraArgs} sets the replication port, the node-to-node server takes a free port as well.
   *
   * @param dataDir the node's data directory (created if missing)
   * @param extraArgs further {@code xmtpd start} arguments, e.g. {@code --no-rate-limit}, or {@code
   *     --replication-port P --peer KEY@HOST:PORT} for a node of a network
   * @throws IllegalStateException with the log tail if the node does not become healthy
   */
  public static NodeProcess start(Path dataDir, List<String> extraArgs) {
    int[] ports = freePorts(2);
    NodeProcess node = new NodeProcess(dataDir, ports[0], ports[1], extraArgs);
    node.launchAndAwaitReady();
    return node;
  }

  public int httpPort() {
    return httpPort;
  }

  public int grpcPort() {
    return grpcPort;
  }

  /** {@code http://127.0.0.1:<httpPort>}, without a trailing slash. */
  public String httpUrl() {
    return "http://" + HOST + ":" + httpPort;
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
   * Starts the node again with the same data directory, ports and arguments (stopping it first if it is still
   * alive), retrying briefly while a port is still bound. Returns this instance.
   */
  public NodeProcess restart() {
    if (isAlive()) {
      stop();
    }
    launchAndAwaitReady();
    return this;
  }

  /**
   * Waits until the node's first catch-up with its peers is over ({@code "bootstrapped":true} on
   * {@code /debug/replication}): before that it answers publishes with 503 catching_up.
   *
   * @throws IllegalStateException when it does not get there within {@code timeout}
   */
  public NodeProcess awaitBootstrapped(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpRequest status = HttpRequest.newBuilder(URI.create(httpUrl() + "/debug/replication"))
        .timeout(Duration.ofSeconds(2)).GET().build();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r = HTTP.send(status, HttpResponse.BodyHandlers.ofString());
        last = r.statusCode() + " " + r.body();
        if (r.statusCode() == 200 && r.body().replace(" ", "").contains("\"bootstrapped\":true")) {
          return this;
        }
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the node's catch-up", e);
      }
      sleep(100);
    }
    throw new IllegalStateException("node on " + httpUrl() + " not bootstrapped within " + timeout.toSeconds()
        + " s; /debug/replication: " + last);
  }

  /** Stops the node (SIGTERM, then SIGKILL after 30 s) if it is still alive. */
  @Override
  public void close() {
    if (isAlive()) {
      stop();
    }
  }

  private void launchAndAwaitReady() {
    long deadline = System.nanoTime() + BIND_RETRY_TIMEOUT.toNanos();
    while (true) {
      long logOffset = logSize();
      launch();
      String failure = awaitReady();
      if (failure == null) {
        return;
      }
      String output = readLog(logOffset);
      boolean portBusy = output.contains("Address already in use") || output.contains("BindException");
      if (!portBusy || System.nanoTime() > deadline) {
        throw new IllegalStateException(failure + "; node log " + logFile + " ends with:\n" + tail(output));
      }
      sleep(250);
    }
  }

  private void launch() {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"),
        "org.xmtpj.cli.Main", "start",
        "--data-dir", dataDir.toString(),
        "--host", HOST,
        "--http-port", Integer.toString(httpPort),
        "--grpc-port", Integer.toString(grpcPort)));
    if (extraArgs.stream().noneMatch(a -> a.startsWith("--replication-port") || a.startsWith("replication.port="))) {
      // never the fixed default 5557: tests run several nodes, and something else may hold that port
      command.addAll(List.of("--replication-port", "0"));
    }
    command.addAll(extraArgs);
    try {
      Files.createDirectories(dataDir);
      Files.writeString(logFile, "=== " + Instant.now() + " " + String.join(" ", command.subList(4,
          command.size())) + System.lineSeparator(), StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
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

  /** Returns null once healthy, or why it did not get there (the process is then gone). */
  private String awaitReady() {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    HttpRequest health = HttpRequest.newBuilder(URI.create(httpUrl() + "/healthz"))
        .timeout(Duration.ofSeconds(2)).GET().build();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        LIVE.remove(process);
        return "node process exited with code " + process.exitValue() + " before it was ready";
      }
      try {
        if (HTTP.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return process.isAlive() ? null : "node process exited right after /healthz answered";
        }
      } catch (IOException notYet) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        kill9();
        return "interrupted while waiting for the node";
      }
      sleep(100);
    }
    kill9();
    return "node not healthy on " + httpUrl() + "/healthz within " + READY_TIMEOUT.toSeconds() + " s";
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

  /**
   * A loopback port that is free now, below Linux's ephemeral range (32768 and up): for a port that is announced
   * (e.g. registered on chain) long before it is bound, while this process's own outgoing connections take
   * ephemeral ports.
   */
  public static int freePortBelowEphemeralRange() {
    java.util.Random random = new java.util.Random();
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = 20_000 + random.nextInt(12_000);
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName(HOST))) {
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IllegalStateException("no free loopback port in 20000..31999");
  }

  /** Free loopback ports (free when asked: another process may take one before it is bound). */
  public static int[] freePorts(int count) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket();
        sockets.add(socket);
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
        ports[i] = socket.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find free ports", e);
    } finally {
      for (ServerSocket socket : sockets) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // best effort
        }
      }
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

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
