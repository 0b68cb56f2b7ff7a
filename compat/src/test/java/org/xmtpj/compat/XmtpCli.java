package org.xmtpj.compat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code xmtp} command as a user runs it: its own JVM ({@code org.xmtpj.cli.ClientMain}), a home directory,
 * the keystore passphrase in {@code XMTP_PASSPHRASE}, stdout and stderr captured.
 */
final class XmtpCli {
  private static final long TIMEOUT_SECONDS = 120;
  private final Path home;
  private final List<String> globalOptions;

  /** @param globalOptions options before the command: --node, --chain-rpc, --deployment */
  XmtpCli(Path home, List<String> globalOptions) {
    this.home = home;
    this.globalOptions = List.copyOf(globalOptions);
  }

  record Run(int code, String out, String err) {}

  Run run(String... args) throws IOException, InterruptedException {
    Files.createDirectories(home);
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), "org.xmtpj.cli.ClientMain", "--home", home.toString()));
    command.addAll(globalOptions);
    command.addAll(List.of(args));
    Path out = Files.createTempFile(home, "out-", ".txt");
    Path err = Files.createTempFile(home, "err-", ".txt");
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.PIPE);
    builder.environment().put("XMTP_PASSPHRASE", "compat-test-passphrase");
    Process p = builder.start();
    p.getOutputStream().close(); // no interactive input
    if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("xmtp " + String.join(" ", args) + " did not finish in " + TIMEOUT_SECONDS
          + " s; stderr: " + Files.readString(err, StandardCharsets.UTF_8));
    }
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
