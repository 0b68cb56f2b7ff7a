package org.xmtpj.dag;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.xmtpj.crypto.Ed25519;

/**
 * {@link EventVerifier} for streams of events: the events of one origin batch share one signature over one Merkle
 * root, so once a (origin, batch size, root, signature) tuple has verified, the other events of that batch need
 * only their audit path hashed. Bootstrap and catch-up receive whole batches, which makes verification cost a
 * few hashes per event instead of one Ed25519 verification. Not thread-safe: one per verifying thread.
 */
public final class CachingVerifier {
  private final Map<ByteBuffer, Boolean> verified;
  private long signatureChecks;

  public CachingVerifier(int capacity) {
    this.verified = new LinkedHashMap<>(256, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Boolean> eldest) {
        return size() > capacity;
      }
    };
  }

  /** Strict decode, id recomputed, proof and signature checked; throws {@link MalformedEventException}. */
  public SignedEvent verify(byte[] encoded) {
    SignedEvent decoded = EventCodec.decode(encoded);
    BatchProof proof = decoded.proof();
    byte[] root = MerkleBatch.rootFromProof(decoded.id(), proof);
    if (root == null) {
      throw new MalformedEventException("bad batch proof on event " + decoded.id().hex());
    }
    byte[] origin = decoded.event().origin();
    ByteBuffer key = ByteBuffer.allocate(32 + 2 + root.length + proof.signature().length)
        .put(origin).putShort((short) proof.size()).put(root).put(proof.signature()).flip();
    if (!verified.containsKey(key)) {
      signatureChecks++;
      if (!Ed25519.verify(origin, MerkleBatch.signedMessage(proof.size(), root), proof.signature())) {
        throw new MalformedEventException("bad signature on event " + decoded.id().hex());
      }
      verified.put(key, Boolean.TRUE);
    }
    EventVerifier.checkEnvelopeTopic(decoded);
    return decoded;
  }

  /** Ed25519 verifications actually performed (the rest were answered by the cache). */
  public long signatureChecks() {
    return signatureChecks;
  }
}
