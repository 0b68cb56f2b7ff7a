package org.xmtpj.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xmtpj.testing.NodeProcess;

/**
 * Runs the real npm client {@code @xmtp/xmtp-js} 13.0.4 ({@code js/compat.cjs}) against our node, started as a separate
 * process exactly as an operator would start it ({@link NodeProcess}), once per storage backend.
 */
class XmtpJsCompatibilityIT {

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

    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(5);
    private static final int LOG_TAIL_LINES = 80;

    private static final Path JS_DIR = XmtpJs.JS_DIR;
    private static final Path TARGET_DIR = XmtpJs.TARGET_DIR;

    enum Backend {
        SQLITE,
        POSTGRESQL
    }

    @BeforeAll
    static void installXmtpJs() throws Exception {
        XmtpJs.ensureInstalled();
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
        Path dataDir = Files.createTempDirectory(TARGET_DIR, "compat-node-" + backend + "-");
        try (NodeProcess node = NodeProcess.start(dataDir, storageArgs)) {
            ScriptRun run = runCompatScript(backend, node.httpUrl());
            List<String> failures = run.output().stream().filter(line -> line.startsWith("FAIL ")).toList();
            String context = "compat.cjs against the node (" + backend + "), exit code " + run.exitCode()
                    + ", failures: " + failures
                    + "\n--- compat.cjs output ---\n" + String.join("\n", run.output())
                    + "\n--- node log tail (" + node.logFile() + ") ---\n"
                    + XmtpJs.tail(node.logFile(), LOG_TAIL_LINES);
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
}
