package org.xmtpj.dag;

import org.xmtpj.crypto.Ed25519;

/** Turns untrusted bytes into a verified event: strict decode, id recomputed, signature checked. */
public final class EventVerifier {
  private EventVerifier() {}

  public static SignedEvent verify(byte[] encoded) {
    Event event = EventCodec.decode(encoded);
    EventId id = EventCodec.id(event);
    if (!Ed25519.verify(event.origin(), id.bytes(), event.signature())) {
      throw new MalformedEventException("bad signature on event " + id.hex() + " from origin");
    }
    if (event.payloadType() == PayloadType.CLIENT_ENVELOPE) {
      ClientEnvelope env = ClientEnvelopeCodec.decode(event.payload());
      if (!java.util.Arrays.equals(TopicIds.of(env.contentTopic()), event.topicId())) {
        throw new MalformedEventException("topic id does not match the envelope's topic");
      }
    }
    return new SignedEvent(id, event, encoded.clone());
  }
}
