package org.xmtpj.chain.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.xmtpj.chain.ChainException;

/** Runs the contracts' scripts as child processes with a deadline, keeping their output for error messages. */
final class Commands {
  private Commands() {}

  /** Runs {@code command} in {@code dir}; output goes to {@code outputFile}; fails unless it exits 0 in time. */
  static void run(List<String> command, Path dir, Map<String, String> env, Duration timeout, Path outputFile) {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(outputFile.toFile());
    pb.environment().putAll(env);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new ChainException("cannot run " + command + ": " + e.getMessage(), e);
    }
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new ChainException(command + " did not finish within " + timeout.toSeconds() + " s:\n"
            + tail(outputFile, 30));
      }
    } catch (InterruptedException e) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new ChainException("interrupted while running " + command, e);
    }
    if (p.exitValue() != 0) {
      throw new ChainException(command + " exited with " + p.exitValue() + ":\n" + tail(outputFile, 30));
    }
  }

  /** The last {@code lines} lines of a file, or a note that it is missing. */
  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no output at " + file + ")";
    }
  }
}
