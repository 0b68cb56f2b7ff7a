package org.xmtpj.testing.sim;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Makes every failure of a simulated scenario start with its seed and the command that replays it, whichever
 * assertion failed: the replay line of the last simulation the test built ({@link Sims#builder}) is prefixed.
 */
final class SeedReporter implements BeforeEachCallback, TestExecutionExceptionHandler {
  static final ThreadLocal<String> REPLAY = new ThreadLocal<>();

  @Override
  public void beforeEach(ExtensionContext context) {
    REPLAY.remove();
  }

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
    String replay = REPLAY.get();
    if (replay == null || (failure.getMessage() != null && failure.getMessage().startsWith("seed="))) {
      throw failure;
    }
    AssertionError prefixed = new AssertionError(replay + "\n  " + failure.getMessage(), failure);
    prefixed.setStackTrace(failure.getStackTrace());
    throw prefixed;
  }
}
