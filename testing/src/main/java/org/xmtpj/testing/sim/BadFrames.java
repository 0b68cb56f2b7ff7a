package org.xmtpj.testing.sim;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.xmtpj.crypto.Ed25519;
import org.xmtpj.crypto.Ed25519KeyPair;
import org.xmtpj.dag.BatchProof;
import org.xmtpj.dag.ClientEnvelope;
import org.xmtpj.dag.ClientEnvelopeCodec;
import org.xmtpj.dag.EventCodec;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.MerkleBatch;
import org.xmtpj.dag.PayloadType;
import org.xmtpj.dag.TopicIds;

/**
 * Hand-made event encodings, including ones the codec refuses to produce: bodies are written field by field as
 * {@link EventCodec} defines them, then signed as a batch of one with a real key, so only the intended defect is
 * wrong.
 */
public final class BadFrames {
  private BadFrames() {}

  /** An envelope-carrying event with arbitrary parents (any count, any order), validly signed. */
  public static byte[] event(Ed25519KeyPair key, String topic, long seq, long createdAtMs, List<EventId> parents,
      byte[] message) {
    byte[] payload = ClientEnvelopeCodec.encode(new ClientEnvelope(topic, createdAtMs * 1_000_000L, message));
    return sign(key, body(TopicIds.of(topic), key.publicKey(), seq, createdAtMs, parents,
        PayloadType.CLIENT_ENVELOPE, payload));
  }

  /** A canonical body, written without the codec's shape checks. */
  public static byte[] body(byte[] topicId, byte[] origin, long seq, long createdAtMs, List<EventId> parents,
      int payloadType, byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(1 + 32 + 32 + 8 + 8 + 2 + 32 * parents.size() + 2 + 4 + payload.length);
    b.put((byte) 1).put(topicId).put(origin).putLong(seq).putLong(createdAtMs).putShort((short) parents.size());
    parents.forEach(p -> b.put(p.bytes()));
    b.putShort((short) payloadType).putInt(payload.length).put(payload);
    return b.array();
  }

  /** Signs a body as a batch of one and appends the proof: a complete encoding. */
  public static byte[] sign(Ed25519KeyPair key, byte[] body) {
    EventId id = EventCodec.idOfBody(body);
    MerkleBatch tree = new MerkleBatch(List.of(id));
    byte[] signature = Ed25519.sign(key, MerkleBatch.signedMessage(1, tree.root()));
    return EventCodec.append(body, new BatchProof(1, 0, tree.path(0), signature));
  }

  /** The id this encoding claims (of its body), whether or not the rest verifies. */
  public static EventId idOf(byte[] encoded, int parents, int payloadLength) {
    int bodyLength = 1 + 32 + 32 + 8 + 8 + 2 + 32 * parents + 2 + 4 + payloadLength;
    return EventCodec.idOfBody(java.util.Arrays.copyOf(encoded, bodyLength));
  }

  /** The last byte of the payload flipped: the body (so the id) changes, the signature no longer covers it. */
  public static byte[] forgedId(byte[] valid) {
    byte[] out = valid.clone();
    int payloadEnd = out.length - 5 - 64; // batch of one: no audit path
    out[payloadEnd - 1] ^= 0x01;
    return out;
  }

  /** One bit of the signature flipped. */
  public static byte[] badSignature(byte[] valid) {
    byte[] out = valid.clone();
    out[out.length - 1] ^= 0x01;
    return out;
  }

  /** {@code n} distinct random ids, ascending. */
  public static List<EventId> randomIds(SplittableRandom random, int n) {
    List<EventId> out = new ArrayList<>();
    while (out.size() < n) {
      byte[] b = new byte[32];
      for (int i = 0; i < 32; i++) {
        b[i] = (byte) random.nextInt(256);
      }
      EventId id = new EventId(b);
      if (!out.contains(id)) {
        out.add(id);
      }
    }
    out.sort(null);
    return out;
  }
}
