package org.xmtpj.testing.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.node.replication.EventsReply;
import org.xmtpj.node.replication.VectorReply;
import org.xmtpj.store.EventStore;
import org.xmtpj.store.OriginProgress;
import org.xmtpj.store.RowEvent;
import org.xmtpj.store.TopicSummary;

/** How a {@link LyingPeer} turns an honest answer into each {@link LyingPeer.Lie}. */
final class LyingAnswers {
  /** Beyond {@code ReplicationLimits.maxVectorOrigins} (10,000). */
  static final int HUGE_VECTOR = 10_001;
  private final SplittableRandom random;

  LyingAnswers(SplittableRandom random) {
    this.random = random;
  }

  VectorReply vector(LyingPeer.Lie lie, VectorReply honest) {
    if (lie == null) {
      return honest;
    }
    Map<OriginKey, OriginProgress> v = new TreeMap<>(honest.vector());
    switch (lie) {
      case VECTOR_FAR_AHEAD -> v.replaceAll((k, p) -> new OriginProgress(p.contiguous() + 1_000_000,
          p.maxSeen() + 1_000_000));
      case VECTOR_BOGUS_ORIGINS -> {
        for (int i = 0; i < 8; i++) {
          v.put(new OriginKey(bytes(32)), new OriginProgress(1_000_000, 1_000_000));
        }
      }
      default -> {
        for (int i = v.size(); i < HUGE_VECTOR; i++) {
          v.put(new OriginKey(bytes(32)), new OriginProgress(i + 1, i + 1));
        }
      }
    }
    return new VectorReply(v, bytes(32));
  }

  /** Lies about an origin or topic range page (the wrong-origin and not-requested lies are made by the caller). */
  EventsReply range(LyingPeer.Lie lie, EventsReply honest, long from) {
    if (lie == null) {
      return honest;
    }
    return switch (lie) {
      case RANGE_GARBAGE -> new EventsReply(List.of(bytes(200), bytes(64)), honest.nextRow() + 1, true);
      case RANGE_GARBAGE_LAST -> {
        List<byte[]> page = new ArrayList<>(honest.events());
        page.add(bytes(180)); // the cursor of the next page would be read from this event
        yield new EventsReply(page, honest.nextRow() + 1, true, honest.floor());
      }
      case RANGE_OVERSIZED -> {
        List<byte[]> huge = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          huge.add(new byte[1 << 20]); // 5 MiB: beyond the 4 MiB frame whatever the bytes
        }
        yield EventsReply.of(huge, true);
      }
      case RANGE_FLOOR_TOO_HIGH -> EventsReply.of(List.of(), false).withFloor(from + 1_000_000);
      default -> honest;
    };
  }

  /** Asked for {@code origin}: a page of another origin that the source holds. */
  EventsReply otherOrigin(EventStore store, OriginKey origin, int maxEvents, long maxBytes) {
    for (OriginKey k : store.vector().keySet()) {
      if (!k.equals(origin)) {
        return EventsReply.of(store.originRange(k, 1, Math.min(maxEvents, 50), maxBytes), true);
      }
    }
    return EventsReply.of(List.of(), false);
  }

  /** Asked for {@code topic}: a page of another topic, its rows said to move on. */
  EventsReply otherTopic(SimReplica src, TopicKey topic, int maxEvents, long maxBytes) {
    if (src == null) {
      return EventsReply.of(List.of(), false);
    }
    for (TopicSummary t : src.store().topics(null, 100)) {
      if (!t.key().equals(topic)) {
        List<RowEvent> rows = src.store().topicRange(t.key(), 0, Math.min(maxEvents, 50), maxBytes);
        List<byte[]> raw = rows.stream().map(RowEvent::raw).toList();
        return new EventsReply(raw, rows.isEmpty() ? 1 : rows.get(rows.size() - 1).row(), true);
      }
    }
    return EventsReply.of(List.of(), false);
  }

  /** Ancestors and events: other events than those asked for, garbage, or forged signatures. */
  EventsReply events(LyingPeer.Lie lie, EventsReply honest, SimReplica src) {
    if (lie == null) {
      return honest;
    }
    return switch (lie) {
      case EVENTS_GARBAGE -> EventsReply.of(List.of(bytes(120), bytes(33)), false);
      case EVENTS_BAD_SIGNATURE -> {
        List<byte[]> bad = new ArrayList<>();
        honest.events().forEach(e -> bad.add(BadFrames.badSignature(e)));
        yield EventsReply.of(bad, false);
      }
      default -> src == null ? EventsReply.of(List.of(), false) : otherOrigin(src.store(), null, 20, 1 << 20);
    };
  }

  List<TopicSummary> listing(LyingPeer.Lie lie, List<TopicSummary> honest, TopicKey after, int limit) {
    if (lie == null) {
      return honest;
    }
    return switch (lie) {
      case LISTING_UNSORTED -> {
        List<TopicSummary> l = new ArrayList<>(honest);
        Collections.reverse(l);
        if (l.size() < 2) {
          l.add(fake(new byte[32]));
        }
        yield l;
      }
      case LISTING_REPEATED -> {
        List<TopicSummary> l = new ArrayList<>(honest);
        TopicSummary first = l.isEmpty() ? fake(bytes(32)) : l.get(0);
        for (int i = 0; i < 3; i++) {
          l.add(0, first);
        }
        yield l;
      }
      default -> {
        List<TopicSummary> l = new ArrayList<>();
        for (int i = 0; i < Math.min(limit, 1_000); i++) {
          byte[] k = bytes(32);
          k[0] = 0; // below any "after" but the first: a listing that never moves on
          l.add(fake(k));
        }
        yield l;
      }
    };
  }

  byte[][] randomBuckets() {
    byte[][] b = new byte[256][];
    for (int i = 0; i < 256; i++) {
      b[i] = bytes(32);
    }
    return b;
  }

  Map<TopicKey, List<EventId>> heads(LyingPeer.Lie lie, Map<TopicKey, List<EventId>> honest, List<TopicKey> asked) {
    if (lie == null) {
      return honest;
    }
    Map<TopicKey, List<EventId>> out = new HashMap<>();
    switch (lie) {
      case HEADS_PHANTOM -> asked.forEach(t -> out.put(t, BadFrames.randomIds(random, 2)));
      case HEADS_HUGE -> {
        asked.forEach(t -> out.put(t, BadFrames.randomIds(random, 300)));
        for (int i = 0; i < 64; i++) {
          out.put(new TopicKey(bytes(32)), BadFrames.randomIds(random, 16)); // topics nobody asked about
        }
      }
      default -> honest.forEach((t, ids) -> out.put(t, ids.size() > 1 ? ids.subList(0, 1) : ids));
    }
    return out;
  }

  private TopicSummary fake(byte[] key) {
    return new TopicSummary(new TopicKey(key), "/xmtp/0/fake-" + random.nextInt(1_000_000) + "/proto", 1, bytes(32));
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}
