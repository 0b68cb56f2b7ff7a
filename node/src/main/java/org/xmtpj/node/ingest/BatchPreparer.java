package org.xmtpj.node.ingest;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;
import org.xmtpj.dag.ClientEnvelope;
import org.xmtpj.dag.AuthorizedEnvelopeCodec;
import org.xmtpj.dag.ClientEnvelopeCodec;
import org.xmtpj.dag.OwnedTopics;
import org.xmtpj.dag.Payloads;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.EventSigner;
import org.xmtpj.dag.PayloadType;
import org.xmtpj.dag.SignedEvent;
import org.xmtpj.dag.TopicHeads;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.store.Digest;
import org.xmtpj.store.EventStore;
import org.xmtpj.store.StoredEnvelope;
import org.xmtpj.store.StoredEvent;

/**
 * The first stage of the writer: owns the origin sequence and the topic heads. It dedupes and signs client
 * publishes, applies replicated events to the heads (deciding their visibility), and creates merge events for
 * topics that stay wide. Single-threaded; the committer releases in-flight entries through the concurrent sets.
 */
final class BatchPreparer {
  /** Heads above this for {@link WriterPolicy#mergeAfterMs} make a topic a merge candidate. */
  static final int MERGE_THRESHOLD = 2;

  private final EventStore store;
  private final EventSigner signer;
  private final Clock clock;
  private final WriterPolicy policy;
  private final ToIntFunction<TopicKey> mergeRank;
  private final HeadsCache heads;
  final Set<Digest> inFlightDigests = ConcurrentHashMap.newKeySet();
  final Set<EventId> inFlightIds = ConcurrentHashMap.newKeySet();
  private final Map<TopicKey, Long> wideSince = new HashMap<>();
  private final Map<TopicKey, Long> lastMerge = new HashMap<>();
  private long originSeq;

  BatchPreparer(EventStore store, EventSigner signer, Clock clock, WriterPolicy policy,
      ToIntFunction<TopicKey> mergeRank) {
    this.store = store;
    this.signer = signer;
    this.clock = clock;
    this.policy = policy;
    this.mergeRank = mergeRank;
    this.heads = new HeadsCache(store, 100_000);
    this.originSeq = store.writerState(signer.origin()).lastOriginSeq();
  }

  long originSeq() {
    return originSeq;
  }

  /** Cached heads are reloaded from the store on next use (retention pruned events). */
  void forgetHeads() {
    heads.clear();
  }

  /** Back to a state known to match the store; cached heads may name events that were never stored. */
  void rewind(long seq) {
    originSeq = seq;
    heads.clear();
    wideSince.clear();
  }

  Prepared prepare(List<WriteRequest> batch, int generation) {
    long before = originSeq;
    Set<Digest> known = knownDigests(batch);
    Map<EventId, Boolean> storedIds = knownIds(batch);
    List<StoredEvent> events = new ArrayList<>();
    List<int[]> spans = new ArrayList<>();
    List<StoredEnvelope> relayed = new ArrayList<>();
    List<Digest> digests = new ArrayList<>();
    List<EventSigner.Pending> toSign = new ArrayList<>();
    List<ClientEnvelope> toSignEnvelopes = new ArrayList<>();
    List<SignedEvent> originated = new ArrayList<>();
    for (WriteRequest r : batch) {
      int start = events.size() + toSign.size();
      switch (r) {
        case WriteRequest.Publish p -> publish(p, known, relayed, digests, toSign, toSignEnvelopes);
        case WriteRequest.Merge m -> merge(m.topic(), toSign, toSignEnvelopes);
        case WriteRequest.Replicated rep -> {
          originated.addAll(signPending(toSign, toSignEnvelopes, events));
          start = events.size();
          rep.events().forEach(e -> replicated(e, storedIds, events));
        }
        case WriteRequest.Release rel -> { }
        case WriteRequest.Prune pr -> { } // heads are never pruned: the cached heads stay right
        case WriteRequest.RaiseFloor rf -> { }
        case WriteRequest.RetireHeads rh -> heads.forget(rh.topic());
      }
      spans.add(new int[] {start, events.size() + toSign.size() - start});
    }
    originated.addAll(signPending(toSign, toSignEnvelopes, events));
    return new Prepared(batch, events, spans, relayed, originated, digests, before, generation);
  }

  private void publish(WriteRequest.Publish p, Set<Digest> known, List<StoredEnvelope> relayed, List<Digest> digests,
      List<EventSigner.Pending> toSign, List<ClientEnvelope> envelopes) {
    for (ClientEnvelope env : p.envelopes()) {
      Digest digest = new Digest(env.digest());
      if (!known.add(digest)) {
        relayed.add(new StoredEnvelope(0, env)); // XMTP relays duplicates but stores them once
        continue;
      }
      inFlightDigests.add(digest);
      digests.add(digest);
      TopicHeads topicHeads = heads.get(TopicKey.of(env.contentTopic()));
      long now = clock.millis();
      // the origin checked the authorization of owner-only envelopes before queueing them (Originator.publish)
      boolean owned = OwnedTopics.owner(env.contentTopic()) != null;
      EventSigner.Pending pending = signer.prepare(org.xmtpj.dag.TopicIds.of(env.contentTopic()), ++originSeq, now,
          topicHeads.chooseParents(now), owned ? PayloadType.AUTHORIZED_ENVELOPE : PayloadType.CLIENT_ENVELOPE,
          owned ? AuthorizedEnvelopeCodec.encode(p.authorization(), env) : ClientEnvelopeCodec.encode(env));
      topicHeads.add(pending.id(), pending.event().parents());
      toSign.add(pending);
      envelopes.add(env);
    }
  }

  private void merge(TopicKey topic, List<EventSigner.Pending> toSign, List<ClientEnvelope> envelopes) {
    TopicHeads topicHeads = heads.get(topic);
    long now = clock.millis();
    List<EventId> parents = topicHeads.chooseParents(now);
    if (parents.size() < 2) {
      return; // someone merged it meanwhile
    }
    EventSigner.Pending pending = signer.prepare(topic.bytes(), ++originSeq, now, parents, PayloadType.MERGE,
        new byte[0]);
    topicHeads.add(pending.id(), parents);
    lastMerge.put(topic, now);
    wideSince.remove(topic);
    toSign.add(pending);
    envelopes.add(null);
  }

  /** One signature covers everything this node originated since the last replicated request. */
  private List<SignedEvent> signPending(List<EventSigner.Pending> toSign, List<ClientEnvelope> envelopes,
      List<StoredEvent> out) {
    if (toSign.isEmpty()) {
      return List.of();
    }
    List<SignedEvent> signed = signer.signBatch(toSign);
    for (int i = 0; i < signed.size(); i++) {
      out.add(new StoredEvent(signed.get(i), envelopes.get(i), 0));
      inFlightIds.add(signed.get(i).id());
    }
    toSign.clear();
    envelopes.clear();
    return signed;
  }

  private void replicated(SignedEvent e, Map<EventId, Boolean> storedIds, List<StoredEvent> out) {
    if (storedIds.containsKey(e.id())) {
      return; // already stored or in flight: the store would skip it, and the heads must not see it twice
    }
    storedIds.put(e.id(), Boolean.TRUE);
    if (java.util.Arrays.equals(e.event().origin(), signer.origin())) {
      originSeq = Math.max(originSeq, e.event().originSeq()); // our own events restored from peers: never reuse
    }
    ClientEnvelope env = Payloads.envelope(e.event());
    long created = e.event().createdAtMs();
    long hidden = created > clock.millis() + policy.futureToleranceMs() ? created - policy.futureToleranceMs() : 0;
    TopicKey topic = new TopicKey(e.event().topicId());
    TopicHeads topicHeads = heads.get(topic);
    topicHeads.add(e.id(), e.event().parents(), hidden);
    if (topicHeads.size() > MERGE_THRESHOLD) {
      wideSince.putIfAbsent(topic, clock.millis());
    }
    inFlightIds.add(e.id());
    out.add(new StoredEvent(e, env, hidden));
  }

  /** Topics wide for long enough, and not merged by us recently: this node's turn comes after its rank. */
  List<TopicKey> mergeCandidates() {
    long now = clock.millis();
    List<TopicKey> due = new ArrayList<>();
    for (var it = wideSince.entrySet().iterator(); it.hasNext(); ) {
      var entry = it.next();
      TopicKey topic = entry.getKey();
      if (heads.get(topic).size() <= MERGE_THRESHOLD) {
        it.remove();
        continue;
      }
      long wait = policy.mergeAfterMs() * (1L + mergeRank.applyAsInt(topic));
      boolean recent = now - lastMerge.getOrDefault(topic, Long.MIN_VALUE / 2) < policy.mergeAfterMs();
      if (now - entry.getValue() >= wait && !recent) {
        due.add(topic);
      }
    }
    return due;
  }

  private Set<Digest> knownDigests(List<WriteRequest> batch) {
    Set<Digest> known = new HashSet<>();
    List<Digest> ask = new ArrayList<>();
    for (WriteRequest r : batch) {
      if (r instanceof WriteRequest.Publish p) {
        for (ClientEnvelope e : p.envelopes()) {
          Digest d = new Digest(e.digest());
          if (inFlightDigests.contains(d)) { // checked before the store: see Originator#commit
            known.add(d);
          } else {
            ask.add(d);
          }
        }
      }
    }
    known.addAll(store.existingDigests(ask));
    return known;
  }

  private Map<EventId, Boolean> knownIds(List<WriteRequest> batch) {
    Map<EventId, Boolean> known = new HashMap<>();
    List<EventId> ask = new ArrayList<>();
    for (WriteRequest r : batch) {
      if (r instanceof WriteRequest.Replicated rep) {
        for (SignedEvent e : rep.events()) {
          if (inFlightIds.contains(e.id())) {
            known.put(e.id(), Boolean.TRUE);
          } else {
            ask.add(e.id());
          }
        }
      }
    }
    store.existingIds(ask).forEach(id -> known.put(id, Boolean.TRUE));
    return known;
  }
}
