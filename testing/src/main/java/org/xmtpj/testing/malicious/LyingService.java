package org.xmtpj.testing.malicious;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.xmtpj.proto.replication.v1.EventsResponse;
import org.xmtpj.proto.replication.v1.GetAncestorsRequest;
import org.xmtpj.proto.replication.v1.GetBucketRequest;
import org.xmtpj.proto.replication.v1.GetBucketsRequest;
import org.xmtpj.proto.replication.v1.GetBucketsResponse;
import org.xmtpj.proto.replication.v1.GetEventsRequest;
import org.xmtpj.proto.replication.v1.GetHeadsRequest;
import org.xmtpj.proto.replication.v1.GetHeadsResponse;
import org.xmtpj.proto.replication.v1.GetOriginRangeRequest;
import org.xmtpj.proto.replication.v1.GetTopicRangeRequest;
import org.xmtpj.proto.replication.v1.GetVectorRequest;
import org.xmtpj.proto.replication.v1.GetVectorResponse;
import org.xmtpj.proto.replication.v1.HandshakeRequest;
import org.xmtpj.proto.replication.v1.HandshakeResponse;
import org.xmtpj.proto.replication.v1.ListTopicsRequest;
import org.xmtpj.proto.replication.v1.PushRequest;
import org.xmtpj.proto.replication.v1.PushResponse;
import org.xmtpj.proto.replication.v1.ReplicationGrpc;
import org.xmtpj.proto.replication.v1.TopicHeads;
import org.xmtpj.proto.replication.v1.TopicSummary;
import org.xmtpj.proto.replication.v1.TopicsResponse;
import org.xmtpj.proto.replication.v1.VectorEntry;

/**
 * What the malicious node answers when the honest nodes call it: it welcomes every handshake (keeping the honest
 * nodes' requests, for replays elsewhere), claims to be a billion events ahead on every origin it has heard of,
 * lists topics without end, and answers every data request with garbage that claims there is more. Pushes to it
 * are dropped.
 */
final class LyingService extends ReplicationGrpc.ReplicationImplBase {
  private static final long FAR_AHEAD = 1_000_000_000L;

  private final Handshakes handshakes;
  private final Forger forger;
  private final Tally tally;
  private final List<HandshakeRequest> captured = new CopyOnWriteArrayList<>();
  private final Set<ByteString> origins = ConcurrentHashMap.newKeySet();
  private final AtomicLong calls = new AtomicLong();
  private volatile boolean lying;

  LyingService(Handshakes handshakes, Forger forger, byte[] selfKey, Tally tally) {
    this.handshakes = handshakes;
    this.forger = forger;
    this.tally = tally;
    origins.add(ByteString.copyFrom(selfKey));
  }

  /** From now on it lies; until then it answers as a peer that holds nothing (so nothing it says earns a ban). */
  void startLying() {
    lying = true;
  }

  /** The honest nodes' handshake requests to this node so far: valid, signed, and addressed to it. */
  List<HandshakeRequest> captured() {
    return List.copyOf(captured);
  }

  @Override
  public void handshake(HandshakeRequest r, StreamObserver<HandshakeResponse> out) {
    if (captured.size() < 64) {
      captured.add(r);
    }
    origins.add(r.getClientKey());
    reply("served Handshake", out, handshakes.welcome(r));
  }

  @Override
  public void push(PushRequest r, StreamObserver<PushResponse> out) {
    reply("served Push", out, PushResponse.getDefaultInstance());
  }

  @Override
  public void getVector(GetVectorRequest r, StreamObserver<GetVectorResponse> out) {
    if (!lying) {
      reply("empty GetVector", out, GetVectorResponse.newBuilder().setFingerprint(ByteString.copyFrom(new byte[32]))
          .build());
      return;
    }
    GetVectorResponse.Builder b = GetVectorResponse.newBuilder().setFingerprint(random32());
    origins.forEach(o -> b.addEntries(VectorEntry.newBuilder().setOrigin(o).setContiguous(FAR_AHEAD)
        .setMaxSeen(FAR_AHEAD)));
    reply("lie GetVector", out, b.build());
  }

  @Override
  public void getOriginRange(GetOriginRangeRequest r, StreamObserver<EventsResponse> out) {
    reply("lie GetOriginRange", out, lies(r.getMaxEvents()));
  }

  @Override
  public void getAncestors(GetAncestorsRequest r, StreamObserver<EventsResponse> out) {
    reply("lie GetAncestors", out, lies(r.getMaxEvents()));
  }

  @Override
  public void getEvents(GetEventsRequest r, StreamObserver<EventsResponse> out) {
    reply("lie GetEvents", out, lies(r.getIdsCount()));
  }

  @Override
  public void getTopicRange(GetTopicRangeRequest r, StreamObserver<EventsResponse> out) {
    EventsResponse lie = lies(r.getMaxEvents()).toBuilder().setNextRow(r.getAfterRow() + 1).build();
    reply("lie GetTopicRange", out, lie);
  }

  @Override
  public void listTopics(ListTopicsRequest r, StreamObserver<TopicsResponse> out) {
    reply("lie ListTopics", out, lying ? endlessPage(r.getAfter(), Math.max(1, r.getLimit()))
        : TopicsResponse.getDefaultInstance());
  }

  @Override
  public void getBuckets(GetBucketsRequest r, StreamObserver<GetBucketsResponse> out) {
    GetBucketsResponse.Builder b = GetBucketsResponse.newBuilder();
    for (int i = 0; i < 256; i++) {
      b.addHashes(lying ? random32() : ByteString.copyFrom(new byte[32])); // lying: every bucket differs
    }
    reply("lie GetBuckets", out, b.build());
  }

  @Override
  public void getBucket(GetBucketRequest r, StreamObserver<TopicsResponse> out) {
    reply("lie GetBucket", out, lying ? endlessPage(ByteString.EMPTY, 1000) : TopicsResponse.getDefaultInstance());
  }

  @Override
  public void getHeads(GetHeadsRequest r, StreamObserver<GetHeadsResponse> out) {
    GetHeadsResponse.Builder b = GetHeadsResponse.newBuilder();
    if (!lying) {
      reply("empty GetHeads", out, b.build());
      return;
    }
    r.getTopicsList().forEach(t -> b.addTopics(TopicHeads.newBuilder().setTopic(t).addHeads(random32())));
    reply("lie GetHeads", out, b.build());
  }

  /**
   * Events that are not what was asked for, claiming more: alternately random bytes, events with a broken
   * signature, and an equivocating pair of its own origin.
   */
  private EventsResponse lies(int max) {
    if (!lying) {
      return EventsResponse.getDefaultInstance();
    }
    int n = Math.max(1, Math.min(max, 50));
    List<byte[]> events = switch ((int) (calls.incrementAndGet() % 3)) {
      case 0 -> forger.garbage(n, 200);
      case 1 -> forger.badSignatures(n);
      default -> forger.twins();
    };
    EventsResponse.Builder b = EventsResponse.newBuilder().setMore(true);
    events.forEach(e -> b.addEvents(ByteString.copyFrom(e)));
    return b.build();
  }

  /**
   * A full page of fresh topic keys: alternately keys that never pass {@code after} (a listing that never moves
   * on) and keys just past it (a listing that moves on for ever, naming topics that do not exist).
   */
  private TopicsResponse endlessPage(ByteString after, int limit) {
    boolean stuck = calls.incrementAndGet() % 2 == 0;
    byte[] start = after.size() == 32 ? after.toByteArray() : new byte[32];
    long base = ByteBuffer.wrap(start, 24, 8).getLong();
    TopicsResponse.Builder b = TopicsResponse.newBuilder();
    for (int i = 0; i < limit; i++) {
      byte[] key = start.clone();
      if (stuck) {
        ThreadLocalRandom.current().nextBytes(key);
        key[0] = 0;
      } else {
        ByteBuffer.wrap(key, 24, 8).putLong(base + i + 1);
      }
      b.addTopics(TopicSummary.newBuilder().setKey(ByteString.copyFrom(key)).setName("/xmtp/0/fake-" + i + "/proto")
          .setEvents(FAR_AHEAD).setHeadsHash(random32()));
    }
    return b.build();
  }

  private ByteString random32() {
    byte[] b = new byte[32];
    ThreadLocalRandom.current().nextBytes(b);
    return ByteString.copyFrom(b);
  }

  private <T> void reply(String what, StreamObserver<T> out, T answer) {
    tally.add(what, "ok");
    out.onNext(answer);
    out.onCompleted();
  }
}
