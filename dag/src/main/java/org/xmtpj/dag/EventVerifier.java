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
    checkEnvelopeTopic(decoded);
    return decoded;
  }

  /** An envelope-carrying event must sit in its envelope's topic. */
  static void checkEnvelopeTopic(SignedEvent decoded) {
    Event event = decoded.event();
    if (event.payloadType() == PayloadType.CLIENT_ENVELOPE) {
      ClientEnvelope env = ClientEnvelopeCodec.decode(event.payload());
      if (!java.util.Arrays.equals(TopicIds.of(env.contentTopic()), event.topicId())) {
        throw new MalformedEventException("topic id does not match the envelope's topic");
      }
    } else if (event.payloadType() == PayloadType.MERGE && event.payload().length != 0) {
      throw new MalformedEventException("a merge event carries no payload");
    }
  }
}
