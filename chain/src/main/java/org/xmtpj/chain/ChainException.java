package org.xmtpj.chain;

/**
 * A chain operation failed: the RPC endpoint could not be reached or answered with an error, a transaction was
 * not mined in time, or input was malformed. A contract that rejected a call raises the subclass
 * {@link ContractRevertException} instead.
 */
public class ChainException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ChainException(String message) {
    super(message);
  }

  public ChainException(String message, Throwable cause) {
    super(message, cause);
  }
}
