package org.xmtpj.chain.identity;

/** What a node does when an invite topic is over its storage quota; the ordinal is the contract's uint8 code. */
public enum EvictionPolicy {
  /** Accept the new message and evict the oldest. */
  DROP_OLDEST,
  /** Refuse new messages. */
  REJECT_NEW;

  public int code() {
    return ordinal();
  }

  public static EvictionPolicy ofCode(int code) {
    if (code < 0 || code >= values().length) {
      throw new IllegalArgumentException("unknown eviction policy code " + code);
    }
    return values()[code];
  }
}
