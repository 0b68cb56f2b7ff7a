package org.xmtpj.node.replication;

/** A replication call that failed; {@code kind} says whether to retry, penalize or give up. */
public final class PeerException extends RuntimeException {
  public enum Kind {
    /** The peer could not be reached or the call timed out: retry later or elsewhere. */
    UNAVAILABLE,
    /** The peer refused us (unknown node, banned, or a handshake failure). */
    REFUSED,
    /** The request broke a limit or rule (a bug on our side or a misbehaving caller). */
    INVALID,
    /** The peer answered with something that breaks the protocol. */
    PROTOCOL
  }

  private final Kind kind;

  public PeerException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public PeerException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
