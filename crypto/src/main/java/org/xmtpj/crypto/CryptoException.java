package org.xmtpj.crypto;

/**
 * Key material or ciphertext that cannot be used: a point off the curve, a scalar out of range, a signature from
 * which no key can be recovered, a GCM tag that does not match. Unchecked because callers almost always treat it as
 * "reject the input", not as something to recover from locally.
 */
public final class CryptoException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CryptoException(String message) {
    super(message);
  }

  public CryptoException(String message, Throwable cause) {
    super(message, cause);
  }
}
