package org.xmtpj.store;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.xmtpj.dag.EventId;

/**
 * Durable storage of events and of each topic's heads. One writer calls {@link #append}; any thread may read.
 * Every implementation passes the same conformance suite.
 */
public interface EventStore extends AutoCloseable {

  /** What the single writer needs to resume: the last sequences it assigned. */
  WriterState writerState(byte[] origin);

  /** The topic's current heads, empty for an unknown topic. */
  List<EventId> heads(String contentTopic);

  /** Which of these digests are already stored (XMTP dedupes envelopes by digest). */
  Set<Digest> existingDigests(Collection<Digest> digests);

  /**
   * Inserts the batch in one transaction and updates heads in that same transaction. Returns only once the
   * transaction is durable (fsync'd); on failure nothing of the batch is stored.
   */
  void append(List<StoredEvent> batch);

  /** One page of client envelopes in client order, as the XMTP v1 Query API defines it. */
  EnvelopePage query(EnvelopeQuery query);

  /** Stored envelopes with a local sequence above {@code afterLocalSeq}, in local order: subscriber catch-up. */
  List<StoredEnvelope> readAfter(long afterLocalSeq, Set<String> topics, int limit);

  /** The canonical encoding of an event, if stored. */
  Optional<byte[]> event(EventId id);

  StoreStats stats();

  @Override
  void close();
}
