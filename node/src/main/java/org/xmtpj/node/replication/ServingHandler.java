package org.xmtpj.node.replication;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.store.EventStore;
import org.xmtpj.store.Head;
import org.xmtpj.store.TopicSummary;

/**
 * What this node answers to peers. Reads come straight from the store on the caller's thread (gRPC's executor),
 * so serving never waits behind the replication thread; pushes are handed to the {@link Replicator}.
 */
final class ServingHandler implements ReplicationHandler {
  private final EventStore store;
  private final Replicator replicator;
  private final ReplicationLimits limits;

  ServingHandler(EventStore store, Replicator replicator, ReplicationLimits limits) {
    this.store = store;
    this.replicator = replicator;
    this.limits = limits;
  }

  @Override
  public void push(OriginKey from, List<byte[]> events) {
    admit(from);
    check(events.size() <= limits.maxPushEvents(), "push of " + events.size() + " events exceeds "
        + limits.maxPushEvents());
    replicator.onPush(from, events);
  }

  @Override
  public VectorReply vector(OriginKey from) {
    admit(from);
    return new VectorReply(store.vector(), Fingerprints.total(store.fingerprintBuckets()));
  }

  @Override
  public EventsReply originRange(OriginKey from, OriginKey origin, long fromSeq, int maxEvents, long maxBytes) {
    admit(from);
    check(fromSeq >= 1, "fromSeq must be ≥ 1");
    int n = bound(maxEvents, limits.maxFetchEvents(), "maxEvents");
    long b = Math.min(maxBytes, limits.maxReplyBytes());
    // read before the page: a floor read after it could cover an event that arrived in between, unsent
    long floor = store.floor(origin);
    List<byte[]> events = store.originRange(origin, fromSeq, n + 1, b);
    List<byte[]> page = events.size() > n ? events.subList(0, n) : events;
    return EventsReply.of(page, events.size() > n || nearBound(sum(page), b)).withFloor(floor);
  }

  @Override
  public EventsReply ancestors(OriginKey from, AncestorsRequest request) {
    admit(from);
    check(!request.want().isEmpty() && request.want().size() <= limits.maxWant(), "want must hold 1.."
        + limits.maxWant() + " ids");
    check(request.haveHeads().size() <= limits.maxHaveHeads(), "haveHeads exceeds " + limits.maxHaveHeads());
    check(request.haveVector().size() <= limits.maxVectorOrigins(), "haveVector too large");
    int n = bound(request.maxEvents(), limits.maxFetchEvents(), "maxEvents");
    return AncestorWalk.walk(store, request, n, Math.min(request.maxBytes(), limits.maxReplyBytes()));
  }

  @Override
  public EventsReply events(OriginKey from, List<EventId> ids) {
    admit(from);
    check(ids.size() <= limits.maxIds(), "at most " + limits.maxIds() + " ids per request");
    return EventsReply.of(store.events(ids), false);
  }

  @Override
  public List<TopicSummary> topics(OriginKey from, TopicKey after, int limit) {
    admit(from);
    return store.topics(after, bound(limit, limits.maxTopicsPage(), "limit"));
  }

  @Override
  public EventsReply topicRange(OriginKey from, TopicKey topic, long afterRow, int maxEvents, long maxBytes) {
    admit(from);
    int n = bound(maxEvents, limits.maxFetchEvents(), "maxEvents");
    long b = Math.min(maxBytes, limits.maxReplyBytes());
    var rows = store.topicRange(topic, afterRow, n + 1, b);
    var page = rows.size() > n ? rows.subList(0, n) : rows;
    long next = page.isEmpty() ? afterRow : page.get(page.size() - 1).row();
    List<byte[]> events = page.stream().map(r -> r.raw()).toList();
    return new EventsReply(events, next, rows.size() > n || nearBound(sum(events), b));
  }

  @Override
  public byte[][] buckets(OriginKey from) {
    admit(from);
    return store.fingerprintBuckets();
  }

  @Override
  public List<TopicSummary> bucket(OriginKey from, int bucket) {
    admit(from);
    check(bucket >= 0 && bucket < 256, "bucket must be 0..255");
    return store.topicsInBucket(bucket);
  }

  @Override
  public Map<TopicKey, List<EventId>> heads(OriginKey from, List<TopicKey> topics) {
    admit(from);
    check(topics.size() <= limits.maxHeadsTopics(), "at most " + limits.maxHeadsTopics() + " topics");
    Map<TopicKey, List<EventId>> out = new LinkedHashMap<>();
    topics.forEach(t -> out.put(t, store.heads(t).stream().map(Head::id).toList()));
    return out;
  }

  @Override
  public void refusedHandshake() {
    replicator.dialUnknownPeersSoon();
  }

  private void admit(OriginKey from) {
    if (replicator.isBanned(from)) {
      throw new PeerException(PeerException.Kind.REFUSED, "peer is banned");
    }
    replicator.heardFrom(from);
  }

  private static int bound(int requested, int max, String what) {
    check(requested >= 1, what + " must be positive");
    return Math.min(requested, max);
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new PeerException(PeerException.Kind.INVALID, message);
    }
  }

  /** The store stops before the byte bound; if the page came close to it, the next event may not have fit. */
  private static boolean nearBound(long bytes, long bound) {
    return bytes + org.xmtpj.dag.DagLimits.MAX_EVENT_BYTES > bound;
  }

  private static long sum(List<byte[]> events) {
    return events.stream().mapToLong(e -> e.length).sum();
  }
}
