package org.xmtpj.store;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.TopicKey;

/**
 * Durable storage of a node's replica: events of every origin, each topic's heads, the per-origin vector and the
 * client-visible view. One writer thread calls the mutating methods ({@link #append}, {@link #releaseDue},
 * {@link #prune}, {@link #raiseFloor}, {@link #retireHeads}); any thread may read. Every implementation passes the
 * same conformance suite.
 *
 * <p>Client visibility: an event is visible when it carries an envelope, is not hidden (future-dated), and is the
 * representative of its digest (XMTP stores an envelope once; among visible events with one digest the smallest
 * (timestamp, id) represents it). Visible events hold a local sequence, the delivery order for subscribers.
 */
public interface EventStore extends AutoCloseable {

  /** What the local writer needs to resume: its origin's last sequence and the last local sequence. */
  WriterState writerState(byte[] origin);

  /** The topic's current heads, empty for an unknown topic. */
  List<EventId> heads(String contentTopic);

  /** The topic's current heads with their hidden-until times, ascending by id. */
  List<Head> heads(TopicKey topic);

  /** Which of these digests are represented by a visible event. */
  Set<Digest> existingDigests(Collection<Digest> digests);

  /** Which of these event ids are stored. */
  Set<EventId> existingIds(Collection<EventId> ids);

  /** The topic of each stored event among {@code ids}; ids not stored are absent. */
  Map<EventId, TopicKey> topicsOf(Collection<EventId> ids);

  /**
   * Inserts the batch in one durable transaction (fsync'd before return; on failure nothing is stored) and, in the
   * same transaction, updates heads, the vector, visibility, topic summaries and equivocation evidence. The batch
   * is in causal order and every parent is stored already or earlier in the batch (the caller checks). Events
   * whose id is already stored are skipped.
   */
  AppendResult append(List<StoredEvent> batch);

  /** Makes hidden events due at {@code nowMs} visible (durably); returns the envelopes that became visible. */
  List<StoredEnvelope> releaseDue(long nowMs);

  /** The earliest hidden-until time among hidden events, if any. */
  OptionalLong nextHiddenDue();

  /** The node's vector: per origin, the contiguous and highest sequences stored. */
  Map<OriginKey, OriginProgress> vector();

  /** Recorded equivocations, oldest first. */
  List<Evidence> evidence(int limit);

  /** Canonical encodings of the stored events among {@code ids}, in no particular order. */
  List<byte[]> events(Collection<EventId> ids);

  /**
   * One origin's events with sequence ≥ {@code fromSeq}, ascending by (sequence, id), stopping at either bound
   * (at least one event is returned if any exists, even if larger than {@code maxBytes}).
   */
  List<byte[]> originRange(OriginKey origin, long fromSeq, int maxEvents, long maxBytes);

  /** Topics after {@code after} (null: from the start), ascending by key. */
  List<TopicSummary> topics(TopicKey after, int limit);

  /** One topic's events with a row above {@code afterRow}, in row order (a topological order), within both bounds. */
  List<RowEvent> topicRange(TopicKey topic, long afterRow, int maxEvents, long maxBytes);

  /** 256 bucket hashes: bucket b is the XOR of the heads hashes of topics whose key starts with byte b. */
  byte[][] fingerprintBuckets();

  /** The topics of one bucket, ascending by key. */
  List<TopicSummary> topicsInBucket(int bucket);

  /** One page of visible client envelopes in client order, as the XMTP v1 Query API defines it. */
  EnvelopePage query(EnvelopeQuery query);

  /** Visible envelopes with a local sequence above {@code afterLocalSeq}, in local order: subscriber catch-up. */
  default List<StoredEnvelope> readAfter(long afterLocalSeq, Set<String> topics, int limit) {
    return readAfter(afterLocalSeq, topics, limit, Long.MAX_VALUE);
  }

  /**
   * As {@link #readAfter(long, Set, int)}, ending early once the envelopes' stored bytes would pass
   * {@code maxBytes} (always one, if there is one): a page shorter than {@code limit} may then have more after it,
   * so read on until a page is empty.
   */
  List<StoredEnvelope> readAfter(long afterLocalSeq, Set<String> topics, int limit, long maxBytes);

  /** The canonical encoding of an event, if stored. */
  Optional<byte[]> event(EventId id);

  StoreStats stats();

  /**
   * Events this replica stored once and no longer serves because their stored bytes were damaged (they failed the
   * check against their id on a read): quarantined, counted as missing, to be fetched again from peers. At most
   * {@code limit}, oldest first; storing one again ({@link #append}) ends its quarantine.
   */
  default List<EventId> quarantined(int limit) {
    return List.of();
  }

  /**
   * Checks stored events against their ids in insertion order, the ones after row {@code afterRow} (0: from the
   * first), at most {@code maxRows}, quarantining the damaged ones as a read would. Returns the row to resume
   * after, or -1 once past the last. A background scrub, so that damage is found before a client asks.
   */
  default long verifyStored(long afterRow, int maxRows) {
    return -1;
  }

  // ---- retention (docs/replication.md §6). Defaults only so that wrappers written before retention (test doubles)
  // still compile; the relational store implements all of them.

  /**
   * One bounded pruning pass, in one durable transaction: deletes events created before {@code horizonMs},
   * examining at most {@code maxEvents} of them (oldest first, resuming where the previous pass stopped), except
   * heads, events that a stored event created at or after the horizon names as a parent, and events above their
   * origin's contiguous prefix. Pruned events leave every read (queries, ranges, counts); heads and heads hashes
   * are unchanged; each origin's floor rises to its largest pruned sequence.
   */
  default PruneResult prune(long horizonMs, int maxEvents) {
    throw new UnsupportedOperationException("retention is not supported by " + getClass().getName());
  }

  /**
   * A peer declared every sequence of {@code origin} up to {@code floor} that it did not send pruned: raises this
   * replica's floor (durably) so that contiguous moves past those gaps. Returns the origin's progress after it.
   */
  default OriginProgress raiseFloor(OriginKey origin, long floor) {
    throw new UnsupportedOperationException("retention is not supported by " + getClass().getName());
  }

  /** Every sequence ≤ the floor of this origin is stored here or was pruned; 0 if nothing was pruned. */
  default long floor(OriginKey origin) {
    return 0;
  }

  /**
   * Stops these events being heads of the topic (durably, heads hash and fingerprint updated): their children
   * were pruned before this replica saw them. Never removes the topic's last head; returns how many left.
   */
  default int retireHeads(TopicKey topic, Collection<EventId> ids) {
    throw new UnsupportedOperationException("retention is not supported by " + getClass().getName());
  }

  @Override
  void close();
}
