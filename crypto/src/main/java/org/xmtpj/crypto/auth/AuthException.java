package org.xmtpj.crypto.auth;

/**
 * A publish auth token was refused. Every refusal maps to gRPC code 16 / HTTP 401; {@link #reason()} lets callers
 * count refusals by cause, and the message (always prefixed "validating token: ", as node-go words it) is safe to
 * send back to the client.
 */
public final class AuthException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why a token was refused. */
  public enum Reason {
    /** No Authorization header, or an empty one. */
    MISSING_HEADER,
    /** Not "Bearer &lt;base64&gt;", not a Token protobuf, or a required field is absent or has the wrong size. */
    MALFORMED,
    /** The wallet signature over the identity key is malformed or recovers no key. */
    BAD_WALLET_SIGNATURE,
    /** The identity key's signature over the auth data is missing, malformed, high-S or wrong. */
    BAD_AUTH_SIGNATURE,
    /** The auth data names a different wallet from the one that signed the identity key. */
    WALLET_MISMATCH,
    /** The token is dated too far ahead of the validator's clock. */
    NOT_YET_VALID,
    /** The token is older than the validator's maximum age. */
    EXPIRED
  }

  private final Reason reason;

  public AuthException(Reason reason, String detail) {
    this(reason, detail, null);
  }

  // No stack trace: refusals are routine (expired tokens every hour, garbage from scanners) and the message plus
  // reason carry everything needed; filling in traces would make a flood of bad tokens needlessly expensive.
  public AuthException(Reason reason, String detail, Throwable cause) {
    super("validating token: " + detail, cause, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
