package org.xmtpj.chain.identity;

/** Who may publish to an invite topic; the ordinal is the contract's uint8 code. */
public enum PublishPolicy {
  /** Anyone. */
  OPEN,
  /** A sender escrows a refundable fee (in network tokens) that the recipient can refund. */
  FEE,
  /** A sender presents an anonymous credential issued under the configured issuer key. */
  CREDENTIAL;

  public int code() {
    return ordinal();
  }

  public static PublishPolicy ofCode(int code) {
    if (code < 0 || code >= values().length) {
      throw new IllegalArgumentException("unknown publish policy code " + code);
    }
    return values()[code];
  }
}
