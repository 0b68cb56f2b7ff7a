package org.xmtpj.dag;

/** Reads what an event's payload means to clients, whatever its payload type. */
public final class Payloads {
  private Payloads() {}

  /** The client envelope the event carries, or null for a merge event. */
  public static ClientEnvelope envelope(Event event) {
    return switch (event.payloadType()) {
      case PayloadType.CLIENT_ENVELOPE -> ClientEnvelopeCodec.decode(event.payload());
      case PayloadType.AUTHORIZED_ENVELOPE -> AuthorizedEnvelopeCodec.decode(event.payload()).envelope();
      case PayloadType.MERGE -> null;
      default -> throw new MalformedEventException("unknown payload type " + event.payloadType());
    };
  }

  /** Whether the event carries a client envelope (of either kind). */
  public static boolean carriesEnvelope(Event event) {
    return event.payloadType() == PayloadType.CLIENT_ENVELOPE
        || event.payloadType() == PayloadType.AUTHORIZED_ENVELOPE;
  }
}
