package org.xmtpj.dag;

import org.xmtpj.crypto.Ed25519;

/**
 * Turns untrusted bytes into a verified event: strict decode, id recomputed, batch root recomputed from the audit
 * path, and the origin's signature over that root checked.
 */
public final class EventVerifier {
  private EventVerifier() {}

  public static SignedEvent verify(byte[] encoded) {
    SignedEvent decoded = EventCodec.decode(encoded);
    BatchProof proof = decoded.proof();
    byte[] root = MerkleBatch.rootFromProof(decoded.id(), proof);
    if (root == null
        || !Ed25519.verify(decoded.event().origin(), MerkleBatch.signedMessage(proof.size(), root),
            proof.signature())) {
      throw new MalformedEventException("bad signature on event " + decoded.id().hex() + " from origin");
    }
    Event event = decoded.event();
    if (event.payloadType() == PayloadType.CLIENT_ENVELOPE) {
      ClientEnvelope env = ClientEnvelopeCodec.decode(event.payload());
      if (!java.util.Arrays.equals(TopicIds.of(env.contentTopic()), event.topicId())) {
        throw new MalformedEventException("topic id does not match the envelope's topic");
      }
    }
    return decoded;
  }
}
