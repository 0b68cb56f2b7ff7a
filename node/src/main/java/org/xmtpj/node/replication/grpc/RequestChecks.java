package org.xmtpj.node.replication.grpc;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.xmtpj.node.replication.ReplicationLimits;
import org.xmtpj.proto.replication.v1.GetAncestorsRequest;
import org.xmtpj.proto.replication.v1.GetBucketRequest;
import org.xmtpj.proto.replication.v1.GetEventsRequest;
import org.xmtpj.proto.replication.v1.GetHeadsRequest;
import org.xmtpj.proto.replication.v1.GetOriginRangeRequest;
import org.xmtpj.proto.replication.v1.GetTopicRangeRequest;
import org.xmtpj.proto.replication.v1.ListTopicsRequest;
import org.xmtpj.proto.replication.v1.OriginSeq;
import org.xmtpj.proto.replication.v1.PushRequest;

/**
 * Checks every request against {@link ReplicationLimits} before the handler sees it, so handlers can trust sizes
 * and key lengths. A violation is INVALID_ARGUMENT with a message naming the field, the value and the bound.
 * (uint64 fields arrive as signed longs: a value above 2^63 is negative and fails the lower bound.)
 */
final class RequestChecks {
  private static final int KEY = 32;

  private final ReplicationLimits limits;

  RequestChecks(ReplicationLimits limits) {
    this.limits = limits;
  }

  void push(PushRequest r) {
    count("events", r.getEventsCount(), 1, limits.maxPushEvents());
    for (int i = 0; i < r.getEventsCount(); i++) {
      check(!r.getEvents(i).isEmpty(), "events[" + i + "] is empty");
    }
  }

  void originRange(GetOriginRangeRequest r) {
    key("origin", r.getOrigin());
    check(r.getFromSeq() >= 1, "from_seq must be ≥ 1, was " + Long.toUnsignedString(r.getFromSeq()));
    page(r.getMaxEvents(), r.getMaxBytes());
  }

  void ancestors(GetAncestorsRequest r) {
    key("topic", r.getTopic());
    keys("want", r.getWantList(), 1, limits.maxWant());
    keys("have_heads", r.getHaveHeadsList(), 0, limits.maxHaveHeads());
    count("have_vector", r.getHaveVectorCount(), 0, limits.maxVectorOrigins());
    Set<ByteString> origins = new HashSet<>();
    for (OriginSeq e : r.getHaveVectorList()) {
      key("have_vector origin", e.getOrigin());
      check(e.getSeq() >= 0, "have_vector seq out of range");
      check(origins.add(e.getOrigin()), "have_vector lists an origin twice");
    }
    page(r.getMaxEvents(), r.getMaxBytes());
  }

  void events(GetEventsRequest r) {
    keys("ids", r.getIdsList(), 1, limits.maxIds());
  }

  void topics(ListTopicsRequest r) {
    if (!r.getAfter().isEmpty()) {
      key("after", r.getAfter());
    }
    count("limit", r.getLimit(), 1, limits.maxTopicsPage());
  }

  void topicRange(GetTopicRangeRequest r) {
    key("topic", r.getTopic());
    check(r.getAfterRow() >= 0, "after_row out of range");
    page(r.getMaxEvents(), r.getMaxBytes());
  }

  void bucket(GetBucketRequest r) {
    check(r.getBucket() >= 0 && r.getBucket() < ProtoCodec.BUCKETS,
        "bucket must be 0..255, was " + Integer.toUnsignedString(r.getBucket()));
  }

  void heads(GetHeadsRequest r) {
    keys("topics", r.getTopicsList(), 1, limits.maxHeadsTopics());
  }

  private void page(int maxEvents, long maxBytes) {
    count("max_events", maxEvents, 1, limits.maxFetchEvents());
    check(maxBytes >= 1 && maxBytes <= limits.maxReplyBytes(), "max_bytes must be 1.." + limits.maxReplyBytes()
        + ", was " + Long.toUnsignedString(maxBytes));
  }

  private static void keys(String field, List<ByteString> keys, int min, int max) {
    count(field, keys.size(), min, max);
    for (int i = 0; i < keys.size(); i++) {
      key(field + "[" + i + "]", keys.get(i));
    }
  }

  private static void key(String field, ByteString b) {
    check(b.size() == KEY, field + " must be " + KEY + " bytes, was " + b.size());
  }

  private static void count(String field, int n, int min, int max) {
    // uint32 counts arrive as signed ints: compare unsigned so 2^31+ is "too many", not negative
    if (Integer.compareUnsigned(n, min) < 0 || Integer.compareUnsigned(n, max) > 0) {
      throw invalid(field + ": " + Integer.toUnsignedString(n) + " given, must be " + min + ".." + max);
    }
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw invalid(message);
    }
  }

  private static StatusRuntimeException invalid(String message) {
    return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
  }
}
