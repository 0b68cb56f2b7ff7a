package org.xmtpj.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs the real npm client {@code @xmtp/xmtp-js} 13.0.4 ({@code js/compat.cjs}) against our node, started as a separate
 * process exactly as an operator would start it, once per storage backend.
 */
class XmtpJsCompatibilityTest {

    /** Every scenario compat.cjs runs; each must print {@code PASS <name>}, so a scenario that silently goes missing fails. */
    private static final List<String> SCENARIOS = List.of(
            "create-clients",
            "contact-lookup",
            "conversation-stream",
            "message-streams",
            "paging",
            "consent",
            "restore-from-node",
            "stream-all-messages");

    private static final Duration NPM_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration NODE_START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration NODE_STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(5);
    private static final int LOG_TAIL_LINES = 80;

    private static final Path MODULE_DIR = moduleDir();
    private static final Path JS_DIR = MODULE_DIR.resolve("js");
    private static final Path TARGET_DIR = MODULE_DIR.resolve("target");

    enum Backend {
        SQLITE,
        POSTGRESQL
    }

    @BeforeAll
    static void installXmtpJs() throws Exception {
        if (Files.isDirectory(JS_DIR.resolve("node_modules"))) {
            return;
        }
        String subcommand = Files.exists(JS_DIR.resolve("package-lock.json")) ? "ci" : "install";
        List<String> command = List.of(npm(), subcommand, "--no-audit", "--no-fund");
        Path log = Files.createDirectories(TARGET_DIR).resolve("compat-npm-" + subcommand + ".log");
        Process npm = new ProcessBuilder(command)
                .directory(JS_DIR.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!npm.waitFor(NPM_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            npm.destroyForcibly().waitFor();
            fail("%s did not finish within %s:%n%s", command, NPM_TIMEOUT, tail(log));
        }
        assertThat(npm.exitValue())
                .as("%s in %s failed:%n%s", command, JS_DIR, tail(log))
                .isZero();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.class)
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void shouldPassEveryXmtpJsScenarioAgainstNode(Backend backend) throws Exception {
        Files.createDirectories(TARGET_DIR);
        String name = backend.name().toLowerCase();
        if (backend == Backend.POSTGRESQL) {
            File pgDir = Files.createDirectories(TARGET_DIR.resolve("embedded-pg")).toFile();
            try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setOverrideWorkingDirectory(pgDir).start()) {
                String dbUrl = "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres?user=postgres";
                runAgainstNode(name, List.of("--db-url", dbUrl));
            }
        } else {
            runAgainstNode(name, List.of());
        }
    }

    private static void runAgainstNode(String backend, List<String> storageArgs) throws Exception {
        try (NodeProcess node = NodeProcess.start(backend, storageArgs)) {
            ScriptRun run = runCompatScript(backend, node.baseUrl());
            List<String> failures = run.output().stream().filter(line -> line.startsWith("FAIL ")).toList();
            String context = "compat.cjs against the node (" + backend + "), exit code " + run.exitCode()
                    + ", failures: " + failures
                    + "\n--- compat.cjs output ---\n" + String.join("\n", run.output())
                    + "\n--- node log tail (" + node.log() + ") ---\n" + tail(node.log());
            assertThat(run.exitCode()).as(context).isZero();
            for (String scenario : SCENARIOS) {
                assertThat(run.output()).as(context).contains("PASS " + scenario);
            }
        }
    }

    private record ScriptRun(int exitCode, List<String> output) {}

    private static ScriptRun runCompatScript(String backend, String baseUrl) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("node", "compat.cjs")
                .directory(JS_DIR.toFile())
                .redirectErrorStream(true);
        builder.environment().put("XMTP_API_URL", baseUrl);
        Path log = TARGET_DIR.resolve("compat-js-" + backend + ".log");
        List<String> output = Collections.synchronizedList(new ArrayList<>());
        Process script = builder.start();
        script.getOutputStream().close();
        Thread pump = Thread.ofPlatform().name("compat.cjs-output").daemon().start(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(script.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    System.out.println("[compat.cjs " + backend + "] " + line);
                    output.add(line);
                }
            } catch (IOException e) {
                output.add("(reading the output failed: " + e + ")");
            }
        });
        boolean finished = script.waitFor(SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (!finished) {
            script.destroyForcibly().waitFor();
        }
        pump.join(Duration.ofSeconds(10));
        List<String> lines;
        synchronized (output) {
            lines = List.copyOf(output);
        }
        Files.write(log, lines, StandardCharsets.UTF_8);
        if (!finished) {
            fail("compat.cjs did not finish within %s:%n%s", SCRIPT_TIMEOUT, String.join("\n", lines));
        }
        return new ScriptRun(script.exitValue(), lines);
    }

    /** The node as a real, separate JVM: {@code org.xmtpj.cli.Main start} on this test's class path. */
    private record NodeProcess(Process process, int httpPort, Path log, Thread reaper) implements AutoCloseable {

        static NodeProcess start(String backend, List<String> storageArgs) throws Exception {
            int httpPort = freePort();
            int grpcPort = freePort();
            while (grpcPort == httpPort) {
                grpcPort = freePort();
            }
            Path dataDir = Files.createTempDirectory(TARGET_DIR, "node-data-" + backend + "-");
            Path log = TARGET_DIR.resolve("compat-node-" + backend + ".log");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"),
                    "org.xmtpj.cli.Main", "start",
                    "--data-dir", dataDir.toString(),
                    "--http-port", Integer.toString(httpPort),
                    "--grpc-port", Integer.toString(grpcPort)));
            command.addAll(storageArgs);
            Files.writeString(log, "# " + String.join(" ", redactClassPath(command)) + "\n");
            Process process = new ProcessBuilder(command)
                    .directory(MODULE_DIR.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            process.getOutputStream().close();
            // if this JVM dies before close(), do not leave a node holding its ports
            Thread reaper = new Thread(process::destroyForcibly, "compat-node-reaper");
            Runtime.getRuntime().addShutdownHook(reaper);
            NodeProcess node = new NodeProcess(process, httpPort, log, reaper);
            try {
                node.awaitHealthy();
            } catch (Throwable t) {
                node.close();
                throw t;
            }
            return node;
        }

        String baseUrl() {
            return "http://127.0.0.1:" + httpPort;
        }

        private void awaitHealthy() throws Exception {
            URI healthz = URI.create(baseUrl() + "/healthz");
            Instant deadline = Instant.now().plus(NODE_START_TIMEOUT);
            String last = "no answer yet";
            try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
                while (Instant.now().isBefore(deadline)) {
                    if (!process.isAlive()) {
                        fail("the node exited with code %d before %s answered 200:%n%s",
                                process.exitValue(), healthz, tail(log));
                    }
                    try {
                        HttpResponse<String> response = http.send(
                                HttpRequest.newBuilder(healthz).timeout(Duration.ofSeconds(2)).GET().build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() == 200) {
                            return;
                        }
                        last = "HTTP " + response.statusCode() + " " + response.body();
                    } catch (ConnectException e) {
                        last = "connection refused";
                    } catch (IOException e) {
                        last = e.toString();
                    }
                    Thread.sleep(200);
                }
            }
            fail("%s did not answer 200 within %s (last: %s):%n%s", healthz, NODE_START_TIMEOUT, last, tail(log));
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(NODE_STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(NODE_STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(reaper);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway; the process is already gone
            }
        }
    }

    private static List<String> redactClassPath(List<String> command) {
        List<String> shown = new ArrayList<>(command);
        int cp = shown.indexOf("-cp");
        if (cp >= 0 && cp + 1 < shown.size()) {
            shown.set(cp + 1, "<test class path>");
        }
        return shown;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static String tail(Path log) {
        try {
            if (!Files.exists(log)) {
                return "(no log at " + log + ")";
            }
            List<String> lines = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String npm() {
        return System.getProperty("os.name", "").startsWith("Windows") ? "npm.cmd" : "npm";
    }

    /** The compat module's directory: surefire runs in it; an IDE may run from the repository root. */
    private static Path moduleDir() {
        Path base = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        if (Files.isDirectory(base.resolve("js"))) {
            return base;
        }
        return base.resolve("compat");
    }
}
