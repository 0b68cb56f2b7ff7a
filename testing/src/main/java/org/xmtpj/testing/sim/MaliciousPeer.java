package org.xmtpj.testing.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.xmtpj.crypto.Ed25519KeyPair;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.node.replication.AncestorsRequest;
import org.xmtpj.node.replication.EventsReply;
import org.xmtpj.node.replication.ReplicationHandler;
import org.xmtpj.node.replication.VectorReply;
import org.xmtpj.store.OriginProgress;
import org.xmtpj.store.TopicSummary;

/**
 * A member of the network (a configured peer and an authorized origin, so its signatures are valid) that is not a
 * replica: the test drives it. It pushes hand-made frames ({@link BadFrames}) through the {@link SimNetwork} under
 * its own key, and answers calls according to {@link #answer}: it never serves data, and with
 * {@link Answer#OVERSIZED} it answers data requests with frames beyond the limit.
 */
public final class MaliciousPeer implements ReplicationHandler {
  /** How it answers the honest nodes' calls. */
  public enum Answer {
    /** Claims nothing, serves nothing. */
    EMPTY,
    /** Claims to be ahead on its own origin, then answers every data request with an oversized frame. */
    OVERSIZED,
    /**
     * Claims to be far ahead, then answers every topic listing with a full page of fresh keys that never pass
     * {@code after} (issue 13, finding 6: a starting node listed for ever, refusing every publish).
     */
    ENDLESS_LISTING,
    /** Claims to be far ahead and lists fresh, ascending keys without end, then serves nothing of any of them. */
    UNBACKED_LISTING
  }

  private final Simulation sim;
  private final Ed25519KeyPair keys;
  private final OriginKey key;
  private final String name;
  private Answer answer = Answer.EMPTY;
  private long seq;
  private long pushedEvents;

  private MaliciousPeer(Simulation sim, Ed25519KeyPair keys, String name) {
    this.sim = sim;
    this.keys = keys;
    this.key = new OriginKey(keys.publicKey());
    this.name = name;
  }

  /** Joins the network as the simulation's extra member {@code index} (see {@link Simulation.Builder#extraMembers}). */
  public static MaliciousPeer join(Simulation sim, int index) {
    MaliciousPeer m = new MaliciousPeer(sim, sim.extraMember(index), "m" + index);
    sim.network().attach(m.key, m.name, m);
    return m;
  }

  public OriginKey key() {
    return key;
  }

  public Ed25519KeyPair keys() {
    return keys;
  }

  public void answer(Answer a) {
    this.answer = a;
  }

  /** The next sequence number of its origin (valid events it signs are numbered like an honest origin's). */
  public long nextSeq() {
    return ++seq;
  }

  /** A valid, signed, envelope-carrying event on {@code topic} with these parents, created at {@code atMs}. */
  public byte[] event(String topic, List<EventId> parents, long atMs, byte[] message) {
    return BadFrames.event(keys, topic, nextSeq(), atMs, parents, message);
  }

  /** Pushes a frame to a replica as this member; completes when the push call does. */
  public CompletableFuture<Void> push(SimReplica to, List<byte[]> frame) {
    pushedEvents += frame.size();
    return new SimPeerClient(sim.network(), key, to.key()).push(frame);
  }

  public long pushedEvents() {
    return pushedEvents;
  }

  // ---- what it answers

  @Override
  public void push(OriginKey from, List<byte[]> events) {}

  @Override
  public VectorReply vector(OriginKey from) {
    Map<OriginKey, OriginProgress> v = new TreeMap<>();
    if (answer != Answer.EMPTY) {
      v.put(key, new OriginProgress(1_000_000, 1_000_000));
    }
    return new VectorReply(v, new byte[32]);
  }

  @Override
  public EventsReply originRange(OriginKey from, OriginKey origin, long fromSeq, int maxEvents, long maxBytes) {
    return data();
  }

  @Override
  public EventsReply ancestors(OriginKey from, AncestorsRequest request) {
    return data();
  }

  @Override
  public EventsReply events(OriginKey from, List<EventId> ids) {
    return data();
  }

  @Override
  public List<TopicSummary> topics(OriginKey from, TopicKey after, int limit) {
    if (answer != Answer.ENDLESS_LISTING && answer != Answer.UNBACKED_LISTING) {
      return List.of();
    }
    List<TopicSummary> page = new ArrayList<>();
    java.util.Random random = new java.util.Random(sim.random().nextLong());
    byte[] start = after == null ? new byte[32] : after.bytes().clone();
    for (int i = 0; i < limit; i++) {
      byte[] k = new byte[32];
      if (answer == Answer.ENDLESS_LISTING) {
        random.nextBytes(k);
        k[0] = 0; // below any real "after" but the first: the listing never moves on
      } else {
        System.arraycopy(start, 0, k, 0, 24);
        java.nio.ByteBuffer.wrap(k, 24, 8).putLong(java.nio.ByteBuffer.wrap(start, 24, 8).getLong() + i + 1);
      }
      byte[] heads = new byte[32];
      random.nextBytes(heads);
      page.add(new TopicSummary(new TopicKey(k), "/xmtp/0/fake-" + i + "/proto", 1, heads));
    }
    return page;
  }

  @Override
  public EventsReply topicRange(OriginKey from, TopicKey topic, long afterRow, int maxEvents, long maxBytes) {
    return data();
  }

  @Override
  public byte[][] buckets(OriginKey from) {
    return new byte[256][32];
  }

  @Override
  public List<TopicSummary> bucket(OriginKey from, int bucket) {
    return List.of();
  }

  @Override
  public Map<TopicKey, List<EventId>> heads(OriginKey from, List<TopicKey> topics) {
    return Map.of();
  }

  private EventsReply data() {
    if (answer != Answer.OVERSIZED) {
      return EventsReply.of(List.of(), false);
    }
    List<byte[]> huge = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      huge.add(new byte[1 << 20]); // 5 MiB: the size alone breaks the frame limit, whatever the bytes
    }
    return EventsReply.of(huge, false);
  }

  @Override
  public String toString() {
    return name + "[" + key.hex().substring(0, 8) + "]";
  }
}
