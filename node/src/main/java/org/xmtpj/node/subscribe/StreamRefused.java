package org.xmtpj.node.subscribe;

/** A stream the node has no room for ({@link StreamLimits}); {@link #reason()} is machine-readable. */
public final class StreamRefused extends RuntimeException {
  private final String reason;

  StreamRefused(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
