package org.xmtpj.onchain;

import java.util.Objects;
import java.util.Optional;

/**
 * The identity registry could not be read or refused a change. The message is meant for a person: it names the
 * chain endpoint or the contract's error in words (for example "the invite topic … already belongs to 0x…"),
 * and {@link #reason()} / {@link #contractError()} let callers branch without parsing it.
 */
public final class RegistryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why the registry operation failed. */
  public enum Reason {
    /** The chain's RPC endpoint could not be reached or did not answer in time. */
    UNREACHABLE,
    /** The contract reverted; {@link #contractError()} names its custom error. */
    REJECTED,
    /** The sending account cannot pay for gas (register through a relayer instead). */
    INSUFFICIENT_FUNDS,
    /** Anything else the chain or the RPC endpoint reported. */
    FAILED
  }

  private final Reason reason;
  private final String contractError;

  RegistryException(Reason reason, String contractError, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.contractError = contractError;
  }

  public Reason reason() {
    return reason;
  }

  /** The contract's custom error (e.g. {@code TopicTaken}) when the reason is {@link Reason#REJECTED}. */
  public Optional<String> contractError() {
    return Optional.ofNullable(contractError);
  }
}
