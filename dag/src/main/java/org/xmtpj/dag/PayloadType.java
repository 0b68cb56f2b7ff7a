package org.xmtpj.dag;

/** Payload kinds. Unknown kinds are rejected so that a reader never misinterprets bytes. */
public final class PayloadType {
  /** A client envelope encoded by {@link ClientEnvelopeCodec}. */
  public static final int CLIENT_ENVELOPE = 1;
  /** A merge event: no payload, links side branches. */
  public static final int MERGE = 2;

  private PayloadType() {}

  public static boolean isKnown(int type) {
    return type == CLIENT_ENVELOPE || type == MERGE;
  }
}
