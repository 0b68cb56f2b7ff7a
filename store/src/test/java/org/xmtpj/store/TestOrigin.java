package org.xmtpj.store;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.xmtpj.crypto.Ed25519KeyPair;
import org.xmtpj.dag.ClientEnvelope;
import org.xmtpj.dag.ClientEnvelopeCodec;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.EventSigner;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.PayloadType;
import org.xmtpj.dag.SignedEvent;
import org.xmtpj.dag.TopicHeads;
import org.xmtpj.dag.TopicKey;

/**
 * One origin of the conformance tests: a real Ed25519 key signing real events. {@code next} links to the heads of
 * a map shared by the test's origins (a linear history); the other methods take explicit parents and sequences.
 */
final class TestOrigin {
  private final EventSigner signer = new EventSigner(Ed25519KeyPair.generate(new SecureRandom()));
  private final Map<TopicKey, TopicHeads> heads;
  private long seq;
  private long createdAtMs = 1_000;

  TestOrigin(Map<TopicKey, TopicHeads> heads) {
    this.heads = heads;
  }

  /** The created_at_ms of the events signed from now on (retention tests); 1,000 until changed. */
  TestOrigin createdAt(long ms) {
    createdAtMs = ms;
    return this;
  }

  OriginKey key() {
    return new OriginKey(signer.origin());
  }

  byte[] bytes() {
    return signer.origin();
  }

  /** The next event on {@code topic}, linked to its current heads (which it then replaces). */
  StoredEvent next(String topic, long ts, String message) {
    return nextHidden(topic, ts, message, 0);
  }

  StoredEvent nextHidden(String topic, long ts, String message, long hiddenUntilMs) {
    TopicHeads h = heads.computeIfAbsent(TopicKey.of(topic), t -> new TopicHeads(List.of()));
    StoredEvent e = at(seq + 1, topic, ts, message, h.chooseParents(), hiddenUntilMs);
    h.add(e.event().id(), e.event().event().parents());
    return e;
  }

  /** The next sequence with explicit parents; the shared heads are left alone. */
  StoredEvent child(String topic, long ts, String message, List<EventId> parents) {
    return at(seq + 1, topic, ts, message, parents, 0);
  }

  /** An event at an explicit sequence (a repeated sequence makes this origin equivocate). */
  StoredEvent at(long originSeq, String topic, long ts, String message, List<EventId> parents, long hiddenUntilMs) {
    ClientEnvelope env = new ClientEnvelope(topic, ts, message.getBytes(StandardCharsets.UTF_8));
    SignedEvent signed = signer.sign(TopicKey.of(topic).bytes(), originSeq, createdAtMs, sorted(parents),
        PayloadType.CLIENT_ENVELOPE, ClientEnvelopeCodec.encode(env));
    seq = Math.max(seq, originSeq);
    return new StoredEvent(signed, env, hiddenUntilMs);
  }

  /** A merge event (no envelope) at the next sequence. */
  StoredEvent merge(TopicKey topic, List<EventId> parents) {
    SignedEvent signed = signer.sign(topic.bytes(), ++seq, createdAtMs, sorted(parents), PayloadType.MERGE,
        new byte[0]);
    return new StoredEvent(signed, null, 0);
  }

  private static List<EventId> sorted(List<EventId> parents) {
    return parents.stream().sorted().toList();
  }
}
