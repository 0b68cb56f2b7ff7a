package org.xmtpj.dag;

import java.util.ArrayList;
import java.util.List;
import org.xmtpj.crypto.Ed25519;
import org.xmtpj.crypto.Ed25519KeyPair;

/**
 * Creates this node's events. Ids come first (a later event of the batch may name an earlier one as parent); one
 * Ed25519 signature over the batch's Merkle root then vouches for all of them, so signing costs per batch.
 */
public final class EventSigner {
  private final Ed25519KeyPair key;

  public EventSigner(Ed25519KeyPair key) {
    this.key = key;
  }

  public byte[] origin() {
    return key.publicKey();
  }

  /** The event's body and id, not yet signed. */
  public Pending prepare(byte[] topicId, long originSeq, long createdAtMs, List<EventId> parents, int payloadType,
      byte[] payload) {
    Event event = new Event(Event.VERSION, topicId, key.publicKey(), originSeq, createdAtMs, parents, payloadType,
        payload);
    byte[] body = EventCodec.encodeBody(event);
    return new Pending(EventCodec.idOfBody(body), event, body);
  }

  /** Signs a batch (in order) with one signature. */
  public List<SignedEvent> signBatch(List<Pending> batch) {
    MerkleBatch tree = new MerkleBatch(batch.stream().map(Pending::id).toList());
    byte[] signature = Ed25519.sign(key, MerkleBatch.signedMessage(batch.size(), tree.root()));
    List<SignedEvent> out = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      Pending p = batch.get(i);
      BatchProof proof = new BatchProof(batch.size(), i, tree.path(i), signature);
      out.add(new SignedEvent(p.id(), p.event(), proof, EventCodec.append(p.body(), proof)));
    }
    return out;
  }

  /** A batch of one. */
  public SignedEvent sign(byte[] topicId, long originSeq, long createdAtMs, List<EventId> parents,
      int payloadType, byte[] payload) {
    return signBatch(List.of(prepare(topicId, originSeq, createdAtMs, parents, payloadType, payload))).get(0);
  }

  /** An event whose id is known and whose signature is still to come. */
  public record Pending(EventId id, Event event, byte[] body) {}
}
