package org.xmtpj.cli.keystore;

import java.io.Console;
import java.util.Arrays;
import java.util.Map;
import org.xmtpj.cli.keystore.KeystoreException.Reason;

/**
 * Where the wallet passphrase comes from: {@code $XMTP_PASSPHRASE} when set (scripts, tests, CI), otherwise the
 * terminal without echo. The environment wins so that a script run from an interactive shell never blocks on a
 * prompt. The returned arrays belong to the caller, who should zero them after use.
 */
public final class Passphrases {
  public static final String ENV = "XMTP_PASSPHRASE";
  static final int MAX_ATTEMPTS = 3;

  /** Reads one line without echo; {@code null} at end of input. A seam for tests, as {@link Console} is final. */
  interface Terminal {
    char[] readPassword(String prompt);
  }

  private final Map<String, String> env;
  private final Terminal terminal;

  Passphrases(Map<String, String> env, Terminal terminal) {
    this.env = env;
    this.terminal = terminal;
  }

  /** Reads from the process environment and {@link System#console()}. */
  public static Passphrases system() {
    Console console = System.console();
    return new Passphrases(System.getenv(), console == null ? null : prompt -> console.readPassword("%s", prompt));
  }

  /** Reads only from {@code env} (no terminal): for embedding and tests. */
  public static Passphrases fromEnvironment(Map<String, String> env) {
    return new Passphrases(Map.copyOf(env), null);
  }

  /** The passphrase of an existing wallet. An empty one is accepted: other tools allow it. */
  public char[] existing(String prompt) {
    String fromEnv = env.get(ENV);
    if (fromEnv != null) {
      return fromEnv.toCharArray();
    }
    char[] entered = requireTerminal().readPassword(prompt);
    if (entered == null) {
      throw unavailable("no passphrase entered (end of input)");
    }
    return entered;
  }

  /**
   * A passphrase for a new wallet: must not be empty, and on a terminal it is asked twice, since a typo here
   * would lock the user out of the key for good.
   */
  public char[] create(String prompt) {
    String fromEnv = env.get(ENV);
    if (fromEnv != null) {
      if (fromEnv.isEmpty()) {
        throw unavailable(ENV + " is set but empty; a new wallet needs a non-empty passphrase");
      }
      return fromEnv.toCharArray();
    }
    Terminal in = requireTerminal();
    String notice = "";
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      char[] first = in.readPassword(notice + prompt);
      if (first == null) {
        throw unavailable("no passphrase entered (end of input)");
      }
      if (first.length == 0) {
        notice = "The passphrase must not be empty.\n";
        continue;
      }
      char[] again = in.readPassword("Repeat passphrase: ");
      boolean same = again != null && Arrays.equals(first, again);
      if (again != null) {
        Arrays.fill(again, '\0');
      }
      if (same) {
        return first;
      }
      Arrays.fill(first, '\0');
      notice = "The passphrases did not match; try again.\n";
    }
    throw unavailable("no matching non-empty passphrase after " + MAX_ATTEMPTS + " attempts");
  }

  private Terminal requireTerminal() {
    if (terminal == null) {
      throw unavailable("cannot read a passphrase: there is no interactive console and " + ENV
          + " is not set (set it to run non-interactively)");
    }
    return terminal;
  }

  private static KeystoreException unavailable(String message) {
    return new KeystoreException(Reason.PASSPHRASE_UNAVAILABLE, message);
  }
}
