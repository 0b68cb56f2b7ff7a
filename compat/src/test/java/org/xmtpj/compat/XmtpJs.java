package org.xmtpj.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The npm side of the compatibility tests: where the scripts are ({@code compat/js}), and their packages, installed
 * by the build itself ({@code npm ci} from the lock file) the first time a test needs them.
 */
final class XmtpJs {
    private static final Duration NPM_TIMEOUT = Duration.ofMinutes(5);

    /** The compat module's directory: surefire runs in it; an IDE may run from the repository root. */
    static final Path MODULE_DIR = moduleDir();
    static final Path JS_DIR = MODULE_DIR.resolve("js");
    static final Path TARGET_DIR = MODULE_DIR.resolve("target");

    private XmtpJs() {}

    /** Runs {@code npm ci} (or {@code npm install} without a lock file) unless {@code node_modules} exists. */
    static synchronized void ensureInstalled() throws IOException, InterruptedException {
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
            fail("%s did not finish within %s:%n%s", command, NPM_TIMEOUT, tail(log, 80));
        }
        assertThat(npm.exitValue())
                .as("%s in %s failed:%n%s", command, JS_DIR, tail(log, 80))
                .isZero();
    }

    /** The last {@code lines} lines of a text file, or a note saying it does not exist. */
    static String tail(Path file, int lines) {
        try {
            if (!Files.exists(file)) {
                return "(no file at " + file + ")";
            }
            List<String> all = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String npm() {
        return System.getProperty("os.name", "").startsWith("Windows") ? "npm.cmd" : "npm";
    }

    private static Path moduleDir() {
        Path base = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        if (Files.isDirectory(base.resolve("js"))) {
            return base;
        }
        return base.resolve("compat");
    }
}
