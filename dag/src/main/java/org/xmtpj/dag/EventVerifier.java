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

  /**
   * An envelope-carrying event must sit in its envelope's topic, a merge carries nothing, and owner-only topics
   * hold only what their owner authorized ({@link OwnedTopics}).
   */
  static void checkEnvelopeTopic(SignedEvent decoded) {
    Event event = decoded.event();
    ClientEnvelope env;
    byte[] authorization = null;
    switch (event.payloadType()) {
      case PayloadType.CLIENT_ENVELOPE -> env = ClientEnvelopeCodec.decode(event.payload());
      case PayloadType.AUTHORIZED_ENVELOPE -> {
        AuthorizedEnvelope authorized = AuthorizedEnvelopeCodec.decode(event.payload());
        env = authorized.envelope();
        authorization = authorized.authorization();
      }
      default -> {
        if (event.payload().length != 0) {
          throw new MalformedEventException("a merge event carries no payload");
        }
        return;
      }
    }
    if (!java.util.Arrays.equals(TopicIds.of(env.contentTopic()), event.topicId())) {
      throw new MalformedEventException("topic id does not match the envelope's topic");
    }
    OwnedTopics.check(env, authorization);
  }
}
