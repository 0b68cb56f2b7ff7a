package org.xmtpj.store;

import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.TopicKey;

/**
 * An event of the append in progress that is not stored yet, with the insertion row it will take.
 *
 * @param digest the envelope's digest (computed once), null for an event without envelope
 */
record FreshEvent(StoredEvent stored, long row, TopicKey topic, OriginKey origin, Digest digest) {
  static FreshEvent of(StoredEvent s, long row) {
    return new FreshEvent(s, row, new TopicKey(s.event().event().topicId()), new OriginKey(s.event().event().origin()),
        s.digest());
  }

  EventId id() {
    return stored.event().id();
  }

  long originSeq() {
    return stored.event().event().originSeq();
  }

  byte[] raw() {
    return stored.event().encoded();
  }

  /** Carries an envelope and is not future-dated: a visibility candidate right away. */
  boolean visibleCandidate() {
    return stored.envelope() != null && stored.hiddenUntilMs() == 0;
  }
}
