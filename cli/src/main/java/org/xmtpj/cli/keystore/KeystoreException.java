package org.xmtpj.cli.keystore;

/**
 * A keystore that cannot be read, written or unlocked. The {@link Reason} lets the CLI react without parsing the
 * message (re-prompt on a wrong passphrase, suggest {@code xmtp init} when there is no wallet); the message is
 * written for the user and never contains key material or the passphrase.
 */
public final class KeystoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, coarsely. */
  public enum Reason {
    /** The MAC did not match: the passphrase is wrong (or the ciphertext was altered). */
    WRONG_PASSPHRASE,
    /** A well-formed file using a version, cipher, KDF or PRF this implementation does not support. */
    UNSUPPORTED,
    /** Not JSON, or a field is missing, mistyped or has the wrong length. */
    MALFORMED,
    /** KDF parameters outside the bounds we are willing to compute (memory or time). */
    UNSAFE_PARAMETERS,
    /** The decrypted key does not belong to the address recorded in the file. */
    ADDRESS_MISMATCH,
    /** A private key that is not a valid secp256k1 scalar. */
    INVALID_KEY,
    /** No passphrase could be obtained, or the confirmation did not match. */
    PASSPHRASE_UNAVAILABLE,
    /** The wallet file is absent, already present, or could not be read or written. */
    STORAGE
  }

  private final Reason reason;

  public KeystoreException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public KeystoreException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
