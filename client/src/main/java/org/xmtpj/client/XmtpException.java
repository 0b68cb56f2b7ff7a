package org.xmtpj.client;

/** A failure the caller can act on; {@link #kind()} says which, the message says what exactly. */
public final class XmtpException extends RuntimeException {

  /** What went wrong, coarsely, so callers can branch without parsing messages. */
  public enum Kind {
    /** The node could not be reached (connection refused, DNS, timeout). */
    NODE_UNREACHABLE,
    /** The node answered with an error (see {@link #status()}). */
    NODE_REJECTED,
    /** The address has no XMTP identity (no valid contact bundle) on this network. */
    NOT_ON_NETWORK,
    /** The wallet refused or produced an unusable signature, or the stored key bundle does not open. */
    IDENTITY,
    /** Data from the network failed to decrypt or verify. */
    INVALID_DATA,
    /** The identity directory (e.g. the on-chain registry) could not be read; the message says where and why. */
    DIRECTORY_UNAVAILABLE,
    /** The peer's contact bundle carries another identity key than the one its directory entry registers. */
    IDENTITY_MISMATCH,
    /** The peer's invite topic requires what this SDK cannot provide yet (a fee or a credential). */
    UNSUPPORTED_POLICY,
    /** The stream or client was closed. */
    CLOSED
  }

  private final Kind kind;
  private final int status;

  XmtpException(Kind kind, String message) {
    this(kind, -1, message, null);
  }

  XmtpException(Kind kind, String message, Throwable cause) {
    this(kind, -1, message, cause);
  }

  XmtpException(Kind kind, int status, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.status = status;
  }

  public Kind kind() {
    return kind;
  }

  /** The gRPC status code the node answered with (e.g. 3 invalid argument, 16 unauthenticated), or -1. */
  public int status() {
    return status;
  }
}
