package org.xmtpj.cli;

/**
 * Chooses the log format before the first logger exists: logfmt-style lines by default, one JSON object per line
 * with {@code --log-format json} or {@code XMTPD_LOG_FORMAT=json}. Logs go to stderr; stdout stays for output.
 */
final class LogSetup {
  private LogSetup() {}

  static void configure(String[] args) {
    String format = System.getenv(Settings.envName("logFormat"));
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--log-format") && i + 1 < args.length) {
        format = args[i + 1];
      } else if (args[i].startsWith("--log-format=")) {
        format = args[i].substring("--log-format=".length());
      }
    }
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile",
          "json".equalsIgnoreCase(format) ? "logback-json.xml" : "logback-text.xml");
    }
  }
}
