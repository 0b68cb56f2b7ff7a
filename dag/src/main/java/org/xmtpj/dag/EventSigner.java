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
    EventId id = EventCodec.idOfBody(EventCodec.encodeBody(unsigned));
    byte[] signature = Ed25519.sign(key.privateKey(), id.bytes());
    Event signed = new Event(Event.VERSION, topicId, key.publicKey(), originSeq, createdAtMs, parents,
        payloadType, payload, signature);
    return new SignedEvent(id, signed, EventCodec.encode(signed));
  }
}
