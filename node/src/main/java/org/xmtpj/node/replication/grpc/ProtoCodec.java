package org.xmtpj.node.replication.grpc;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.node.replication.AncestorsRequest;
import org.xmtpj.node.replication.EventsReply;
import org.xmtpj.node.replication.VectorReply;
import org.xmtpj.proto.replication.v1.EventsResponse;
import org.xmtpj.proto.replication.v1.GetAncestorsRequest;
import org.xmtpj.proto.replication.v1.GetBucketsResponse;
import org.xmtpj.proto.replication.v1.GetHeadsResponse;
import org.xmtpj.proto.replication.v1.GetVectorResponse;
import org.xmtpj.proto.replication.v1.OriginSeq;
import org.xmtpj.proto.replication.v1.TopicHeads;
import org.xmtpj.proto.replication.v1.TopicsResponse;
import org.xmtpj.proto.replication.v1.VectorEntry;
import org.xmtpj.store.OriginProgress;
import org.xmtpj.store.TopicSummary;

/**
 * Domain ↔ protobuf, both directions, so the wire types stay inside this package. Decoding a peer's answer throws
 * {@link IllegalArgumentException} for anything malformed (wrong key length, too many entries); the client turns
 * that into a PROTOCOL failure. Requests are checked by {@link RequestChecks} before they are decoded here.
 */
final class ProtoCodec {
  static final int HASH_LENGTH = 32;
  static final int BUCKETS = 256;

  private ProtoCodec() {}

  static ByteString bytes(byte[] b) {
    return ByteString.copyFrom(b);
  }

  static OriginKey origin(ByteString b) {
    return new OriginKey(b.toByteArray());
  }

  static TopicKey topic(ByteString b) {
    return new TopicKey(b.toByteArray());
  }

  static List<EventId> ids(List<ByteString> list) {
    return list.stream().map(b -> new EventId(b.toByteArray())).toList();
  }

  static List<ByteString> idBytes(List<EventId> ids) {
    return ids.stream().map(id -> bytes(id.bytes())).toList();
  }

  static List<byte[]> raw(List<ByteString> list) {
    return list.stream().map(ByteString::toByteArray).toList();
  }

  static List<ByteString> rawBytes(List<byte[]> list) {
    return list.stream().map(ProtoCodec::bytes).toList();
  }

  // ---- vector

  static GetVectorResponse vector(VectorReply v) {
    GetVectorResponse.Builder b = GetVectorResponse.newBuilder().setFingerprint(bytes(v.fingerprint()));
    v.vector().forEach((origin, p) -> b.addEntries(VectorEntry.newBuilder().setOrigin(bytes(origin.bytes()))
        .setContiguous(p.contiguous()).setMaxSeen(p.maxSeen())));
    return b.build();
  }

  static VectorReply vector(GetVectorResponse r, int maxOrigins) {
    check(r.getEntriesCount() <= maxOrigins, "vector has " + r.getEntriesCount() + " origins, at most " + maxOrigins);
    check(r.getFingerprint().size() == HASH_LENGTH, "fingerprint must be 32 bytes");
    Map<OriginKey, OriginProgress> vector = new TreeMap<>();
    for (VectorEntry e : r.getEntriesList()) {
      check(e.getContiguous() >= 0 && e.getMaxSeen() >= e.getContiguous(), "vector entry with contiguous "
          + Long.toUnsignedString(e.getContiguous()) + " > max_seen " + Long.toUnsignedString(e.getMaxSeen()));
      check(vector.put(origin(e.getOrigin()), new OriginProgress(e.getContiguous(), e.getMaxSeen())) == null,
          "vector lists an origin twice");
    }
    return new VectorReply(vector, r.getFingerprint().toByteArray());
  }

  // ---- events

  static EventsResponse events(EventsReply r) {
    return EventsResponse.newBuilder().addAllEvents(rawBytes(r.events())).setNextRow(r.nextRow())
        .setMore(r.more()).setFloor(r.floor()).build();
  }

  static EventsReply events(EventsResponse r, int maxEvents) {
    check(r.getEventsCount() <= maxEvents, "answer has " + r.getEventsCount() + " events, " + maxEvents
        + " were asked for");
    check(r.getNextRow() >= 0, "next_row out of range");
    check(r.getFloor() >= 0, "floor out of range");
    return new EventsReply(raw(r.getEventsList()), r.getNextRow(), r.getMore(), r.getFloor());
  }

  // ---- ancestors

  static GetAncestorsRequest ancestors(AncestorsRequest q) {
    GetAncestorsRequest.Builder b = GetAncestorsRequest.newBuilder().setTopic(bytes(q.topic().bytes()))
        .addAllWant(idBytes(q.want())).addAllHaveHeads(idBytes(q.haveHeads()))
        .setMaxEvents(q.maxEvents()).setMaxBytes(q.maxBytes());
    q.haveVector().forEach((o, seq) -> b.addHaveVector(OriginSeq.newBuilder().setOrigin(bytes(o.bytes()))
        .setSeq(seq)));
    return b.build();
  }

  /** The request must have passed {@link RequestChecks#ancestors}. */
  static AncestorsRequest ancestors(GetAncestorsRequest q) {
    Map<OriginKey, Long> have = new LinkedHashMap<>();
    for (OriginSeq e : q.getHaveVectorList()) {
      have.put(origin(e.getOrigin()), e.getSeq());
    }
    return new AncestorsRequest(topic(q.getTopic()), ids(q.getWantList()), ids(q.getHaveHeadsList()), have,
        q.getMaxEvents(), q.getMaxBytes());
  }

  // ---- topics

  static TopicsResponse topics(List<TopicSummary> topics) {
    TopicsResponse.Builder b = TopicsResponse.newBuilder();
    for (TopicSummary t : topics) {
      var s = org.xmtpj.proto.replication.v1.TopicSummary.newBuilder().setKey(bytes(t.key().bytes()))
          .setEvents(t.events()).setHeadsHash(bytes(t.headsHash()));
      if (t.name() != null) {
        s.setName(t.name());
      }
      b.addTopics(s);
    }
    return b.build();
  }

  static List<TopicSummary> topics(TopicsResponse r, int max) {
    check(r.getTopicsCount() <= max, "answer has " + r.getTopicsCount() + " topics, at most " + max);
    List<TopicSummary> out = new ArrayList<>(r.getTopicsCount());
    for (var t : r.getTopicsList()) {
      check(t.getHeadsHash().size() == HASH_LENGTH, "heads hash must be 32 bytes");
      check(t.getEvents() >= 0, "event count out of range");
      out.add(new TopicSummary(topic(t.getKey()), t.hasName() ? t.getName() : null, t.getEvents(),
          t.getHeadsHash().toByteArray()));
    }
    return out;
  }

  // ---- buckets

  static GetBucketsResponse buckets(byte[][] hashes) {
    GetBucketsResponse.Builder b = GetBucketsResponse.newBuilder();
    for (byte[] h : hashes) {
      b.addHashes(bytes(h));
    }
    return b.build();
  }

  static byte[][] buckets(GetBucketsResponse r) {
    check(r.getHashesCount() == BUCKETS, "expected 256 bucket hashes, got " + r.getHashesCount());
    byte[][] out = new byte[BUCKETS][];
    for (int i = 0; i < BUCKETS; i++) {
      check(r.getHashes(i).size() == HASH_LENGTH, "bucket hash " + i + " is not 32 bytes");
      out[i] = r.getHashes(i).toByteArray();
    }
    return out;
  }

  // ---- heads

  static GetHeadsResponse heads(Map<TopicKey, List<EventId>> heads) {
    GetHeadsResponse.Builder b = GetHeadsResponse.newBuilder();
    heads.forEach((topic, ids) -> b.addTopics(TopicHeads.newBuilder().setTopic(bytes(topic.bytes()))
        .addAllHeads(idBytes(ids))));
    return b.build();
  }

  static Map<TopicKey, List<EventId>> heads(GetHeadsResponse r, List<TopicKey> asked) {
    Set<TopicKey> askedSet = new HashSet<>(asked);
    Map<TopicKey, List<EventId>> out = new LinkedHashMap<>();
    for (TopicHeads t : r.getTopicsList()) {
      TopicKey key = topic(t.getTopic());
      check(askedSet.contains(key), "answer has heads of a topic that was not asked for");
      check(out.put(key, ids(t.getHeadsList())) == null, "answer lists a topic twice");
    }
    return out;
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
