package org.xmtpj.dag;

import java.util.List;
import org.xmtpj.crypto.Ed25519;
import org.xmtpj.crypto.Ed25519KeyPair;

/** Creates this node's events: canonical body, id, Ed25519 signature over the id. */
public final class EventSigner {
  private final Ed25519KeyPair key;

  public EventSigner(Ed25519KeyPair key) {
    this.key = key;
  }

  public byte[] origin() {
    return key.publicKey();
  }

  public SignedEvent sign(byte[] topicId, long originSeq, long createdAtMs, List<EventId> parents,
      int payloadType, byte[] payload) {
    Event unsigned = new Event(Event.VERSION, topicId, key.publicKey(), originSeq, createdAtMs, parents,
        payloadType, payload, new byte[DagLimits.SIGNATURE_BYTES]);
    byte[] body = EventCodec.encodeBody(unsigned);
    EventId id = EventCodec.idOfBody(body);
    byte[] signature = Ed25519.sign(key, id.bytes());
    Event signed = new Event(Event.VERSION, topicId, key.publicKey(), originSeq, createdAtMs, parents,
        payloadType, payload, signature);
    // the encoding is body ‖ signature, so the body computed for the id is reused rather than re-encoded
    byte[] encoded = java.util.Arrays.copyOf(body, body.length + DagLimits.SIGNATURE_BYTES);
    System.arraycopy(signature, 0, encoded, body.length, DagLimits.SIGNATURE_BYTES);
    return new SignedEvent(id, signed, encoded);
  }
}
