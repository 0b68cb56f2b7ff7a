package org.xmtpj.dag;

/** Payload kinds. Unknown kinds are rejected so that a reader never misinterprets bytes. */
public final class PayloadType {
  /** A client envelope encoded by {@link ClientEnvelopeCodec}. */
  public static final int CLIENT_ENVELOPE = 1;
  /** A merge event: no payload, links side branches. */
  public static final int MERGE = 2;
  /**
   * A client envelope with the token of the wallet that authorized it ({@link AuthorizedEnvelopeCodec}): required on
   * owner-only topics and refused anywhere else ({@link OwnedTopics}).
   */
  public static final int AUTHORIZED_ENVELOPE = 3;

  private PayloadType() {}

  public static boolean isKnown(int type) {
    return type == CLIENT_ENVELOPE || type == MERGE || type == AUTHORIZED_ENVELOPE;
  }
}
