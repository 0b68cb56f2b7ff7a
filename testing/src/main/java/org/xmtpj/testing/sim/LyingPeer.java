package org.xmtpj.testing.sim;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.node.replication.AncestorsRequest;
import org.xmtpj.node.replication.EventsReply;
import org.xmtpj.node.replication.ReplicationHandler;
import org.xmtpj.node.replication.VectorReply;
import org.xmtpj.store.TopicSummary;

/**
 * A member of the network that answers every call as an honest replica would (it relays the answers of the first
 * replica that is up, so it looks useful and keeps getting called), except that each reply may be a lie. For every
 * reply the kind of lie is drawn from its {@link #lies} that fit the call, by its own seeded random: a lie in every
 * reply kind, chosen per reply. With {@link #honesty} it tells the truth that share of the time. It pushes nothing
 * and its own origin never publishes. Handshakes are not modelled by the simulator (a sim call carries the caller's
 * key as proven); the gRPC transport tests cover forged and replayed handshakes.
 */
public final class LyingPeer implements ReplicationHandler {
  /** The lies, by the reply kind they corrupt. */
  public enum Lie {
    VECTOR_FAR_AHEAD(Kind.VECTOR), VECTOR_BOGUS_ORIGINS(Kind.VECTOR), VECTOR_HUGE(Kind.VECTOR),
    LISTING_UNSORTED(Kind.LISTING), LISTING_REPEATED(Kind.LISTING), LISTING_ENDLESS(Kind.LISTING),
    RANGE_GARBAGE(Kind.RANGE), RANGE_WRONG_ORIGIN(Kind.RANGE), RANGE_NOT_REQUESTED(Kind.RANGE),
    RANGE_GARBAGE_LAST(Kind.RANGE), RANGE_OVERSIZED(Kind.RANGE), RANGE_FLOOR_TOO_HIGH(Kind.RANGE),
    EVENTS_WRONG_IDS(Kind.EVENTS), EVENTS_GARBAGE(Kind.EVENTS), EVENTS_BAD_SIGNATURE(Kind.EVENTS),
    HEADS_PHANTOM(Kind.HEADS), HEADS_HUGE(Kind.HEADS), HEADS_SUBSET(Kind.HEADS);

    final Kind kind;

    Lie(Kind kind) {
      this.kind = kind;
    }
  }

  /** Reply kinds of {@link ReplicationHandler}. */
  enum Kind { VECTOR, LISTING, RANGE, EVENTS, HEADS }

  private final Simulation sim;
  private final OriginKey key;
  private final String name;
  private final SplittableRandom random;
  private final LyingAnswers answers;
  private Set<Lie> lies = EnumSet.allOf(Lie.class);
  private double honesty;
  private long told;

  private LyingPeer(Simulation sim, OriginKey key, String name, SplittableRandom random) {
    this.sim = sim;
    this.key = key;
    this.name = name;
    this.random = random;
    this.answers = new LyingAnswers(random);
  }

  /** Joins as the simulation's extra member {@code index}, lying with its own random stream from the seed. */
  public static LyingPeer join(Simulation sim, int index) {
    OriginKey key = new OriginKey(sim.extraMember(index).publicKey());
    LyingPeer p = new LyingPeer(sim, key, "liar" + index, new SplittableRandom(sim.seed() * 7919 + index));
    sim.network().attach(key, p.name, p);
    return p;
  }

  public OriginKey key() {
    return key;
  }

  /** Lies only in these ways (replies of a kind with none of them are honest). */
  public LyingPeer lies(Set<Lie> only) {
    this.lies = only.isEmpty() ? EnumSet.noneOf(Lie.class) : EnumSet.copyOf(only);
    return this;
  }

  /** Tells the truth in this share of replies (0: every reply that can be a lie is one). */
  public LyingPeer honesty(double share) {
    this.honesty = share;
    return this;
  }

  /** Replies that were lies. */
  public long liesTold() {
    return told;
  }

  /** A lie of this kind for the next reply, or null for the truth. */
  private Lie pick(Kind kind) {
    List<Lie> fit = new ArrayList<>();
    for (Lie l : lies) {
      if (l.kind == kind) {
        fit.add(l);
      }
    }
    if (fit.isEmpty() || random.nextDouble() < honesty) {
      return null;
    }
    told++;
    return fit.get(random.nextInt(fit.size()));
  }

  /** The honest replica whose answers it relays, or null if none is up. */
  private ReplicationHandler source() {
    for (SimReplica r : sim.replicas()) {
      if (r.isUp()) {
        return r.replicator().handler();
      }
    }
    return null;
  }

  private <T> T truth(java.util.function.Function<ReplicationHandler, T> call, Supplier<T> none) {
    ReplicationHandler h = source();
    if (h == null) {
      return none.get();
    }
    try {
      return call.apply(h);
    } catch (RuntimeException e) {
      return none.get(); // the source refuses us (it banned us, or it is busy): answer as an empty node would
    }
  }

  private SimReplica sourceReplica() {
    return sim.replicas().stream().filter(SimReplica::isUp).findFirst().orElse(null);
  }

  // ---- answers

  @Override
  public void push(OriginKey from, List<byte[]> events) {}

  @Override
  public VectorReply vector(OriginKey from) {
    VectorReply honest = truth(h -> h.vector(key), () -> new VectorReply(Map.of(), new byte[32]));
    return answers.vector(pick(Kind.VECTOR), honest);
  }

  @Override
  public EventsReply originRange(OriginKey from, OriginKey origin, long fromSeq, int maxEvents, long maxBytes) {
    Lie lie = pick(Kind.RANGE);
    SimReplica src = sourceReplica();
    if (lie == Lie.RANGE_WRONG_ORIGIN && src != null) {
      return answers.otherOrigin(src.store(), origin, maxEvents, maxBytes);
    }
    if (lie == Lie.RANGE_NOT_REQUESTED) {
      return truth(h -> h.originRange(key, origin, 1, maxEvents, maxBytes), () -> EventsReply.of(List.of(), false));
    }
    EventsReply honest = truth(h -> h.originRange(key, origin, fromSeq, maxEvents, maxBytes),
        () -> EventsReply.of(List.of(), false));
    return answers.range(lie, honest, fromSeq);
  }

  @Override
  public EventsReply topicRange(OriginKey from, TopicKey topic, long afterRow, int maxEvents, long maxBytes) {
    Lie lie = pick(Kind.RANGE);
    if (lie == Lie.RANGE_WRONG_ORIGIN || lie == Lie.RANGE_NOT_REQUESTED) {
      return answers.otherTopic(sourceReplica(), topic, maxEvents, maxBytes);
    }
    EventsReply honest = truth(h -> h.topicRange(key, topic, afterRow, maxEvents, maxBytes),
        () -> EventsReply.of(List.of(), false));
    return answers.range(lie, honest, afterRow);
  }

  @Override
  public EventsReply ancestors(OriginKey from, AncestorsRequest request) {
    EventsReply honest = truth(h -> h.ancestors(key, request), () -> EventsReply.of(List.of(), false));
    return answers.events(pick(Kind.EVENTS), honest, sourceReplica());
  }

  @Override
  public EventsReply events(OriginKey from, List<EventId> ids) {
    EventsReply honest = truth(h -> h.events(key, ids), () -> EventsReply.of(List.of(), false));
    return answers.events(pick(Kind.EVENTS), honest, sourceReplica());
  }

  @Override
  public List<TopicSummary> topics(OriginKey from, TopicKey after, int limit) {
    List<TopicSummary> honest = truth(h -> h.topics(key, after, limit), List::of);
    return answers.listing(pick(Kind.LISTING), honest, after, limit);
  }

  @Override
  public byte[][] buckets(OriginKey from) {
    byte[][] honest = truth(h -> h.buckets(key), () -> new byte[256][32]);
    return pick(Kind.LISTING) == null ? honest : answers.randomBuckets();
  }

  @Override
  public List<TopicSummary> bucket(OriginKey from, int bucket) {
    List<TopicSummary> honest = truth(h -> h.bucket(key, bucket), List::of);
    return answers.listing(pick(Kind.LISTING), honest, null, 1_000);
  }

  @Override
  public Map<TopicKey, List<EventId>> heads(OriginKey from, List<TopicKey> topics) {
    Map<TopicKey, List<EventId>> honest = truth(h -> h.heads(key, topics), Map::of);
    return answers.heads(pick(Kind.HEADS), honest, topics);
  }

  @Override
  public String toString() {
    return name + "[" + key.hex().substring(0, 8) + "]";
  }
}
