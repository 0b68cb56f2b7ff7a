package org.xmtpj.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xmtpj.dag.EventCodec;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.SignedEvent;
import org.xmtpj.dag.TopicHeads;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.store.StoreBackends.Backend;

/** What peers read from a replica, on every backend: origin and topic ranges, topic listings, fingerprints. */
class ReplicaRangeConformanceTest {
  private static final String TOPIC = "/xmtp/0/m-ranges/proto";
  private static final TopicKey KEY = TopicKey.of(TOPIC);
  private final Map<TopicKey, TopicHeads> heads = new HashMap<>();
  private final TestOrigin a = new TestOrigin(heads);
  private final TestOrigin b = new TestOrigin(heads);

  @TempDir
  Path dir;

  static Stream<Backend> backends() {
    return StoreBackends.all();
  }

  private static byte[] raw(StoredEvent e) {
    return e.event().encoded();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldBoundOriginRangesByCountAndBytesButReturnAtLeastOneEvent(Backend backend) {
    try (EventStore store = backend.open(dir)) {
      List<StoredEvent> events = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        events.add(a.next(TOPIC, i, "message " + "x".repeat(i * 10)));
      }
      store.append(events);
      store.append(List.of(b.next(TOPIC, 99, "other origin")));
      List<byte[]> raws = events.stream().map(ReplicaRangeConformanceTest::raw).toList();
      assertThat(store.originRange(a.key(), 1, 3, Long.MAX_VALUE)).containsExactlyElementsOf(raws.subList(0, 3));
      assertThat(store.originRange(a.key(), 4, 100, Long.MAX_VALUE)).containsExactlyElementsOf(raws.subList(3, 10));
      long firstTwo = raws.get(0).length + raws.get(1).length;
      assertThat(store.originRange(a.key(), 1, 100, firstTwo)).containsExactlyElementsOf(raws.subList(0, 2));
      assertThat(store.originRange(a.key(), 1, 100, firstTwo - 1)).containsExactlyElementsOf(raws.subList(0, 1));
      assertThat(store.originRange(a.key(), 5, 100, 1)).as("at least one").containsExactly(raws.get(4));
      assertThat(store.originRange(a.key(), 11, 100, Long.MAX_VALUE)).isEmpty();
      assertThat(store.originRange(b.key(), 1, 100, Long.MAX_VALUE)).hasSize(1);
      assertThat(store.originRange(new OriginKey(new byte[32]), 1, 100, Long.MAX_VALUE)).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldServeTopicRangesInInsertionOrderResumableByRowAndBoundedByBytes(Backend backend) {
    try (EventStore store = backend.open(dir)) {
      String other = "/xmtp/0/m-other/proto";
      List<StoredEvent> inTopic = new ArrayList<>();
      for (int round = 0; round < 4; round++) {
        StoredEvent left = a.child(TOPIC, round * 10, "left " + round, store.heads(TOPIC));
        StoredEvent right = b.child(TOPIC, round * 10 + 1, "right " + round, store.heads(TOPIC));
        inTopic.addAll(List.of(left, right));
        store.append(List.of(left, a.next(other, round, "other " + round), right));
      }
      StoredEvent merge = b.merge(KEY, store.heads(TOPIC));
      inTopic.add(merge);
      store.append(List.of(merge));
      List<RowEvent> all = new ArrayList<>();
      long after = 0;
      List<RowEvent> page;
      while (!(page = store.topicRange(KEY, after, 3, Long.MAX_VALUE)).isEmpty()) {
        assertThat(page.size()).isLessThanOrEqualTo(3);
        all.addAll(page);
        after = page.get(page.size() - 1).row();
      }
      assertThat(all).extracting(RowEvent::row).isSorted().doesNotHaveDuplicates();
      List<EventId> order = all.stream().map(r -> EventCodec.decode(r.raw()).id()).toList();
      assertThat(order).containsExactlyElementsOf(inTopic.stream().map(e -> e.event().id()).toList());
      for (int i = 0; i < all.size(); i++) {
        SignedEvent e = EventCodec.decode(all.get(i).raw());
        assertThat(order.subList(0, i)).as("parents come first").containsAll(e.event().parents());
      }
      assertThat(store.topicRange(KEY, 0, 100, 1)).as("at least one").hasSize(1);
      long firstThree = all.subList(0, 3).stream().mapToLong(r -> r.raw().length).sum();
      assertThat(store.topicRange(KEY, 0, 100, firstThree)).hasSize(3);
      assertThat(store.topicRange(KEY, after, 100, Long.MAX_VALUE)).isEmpty();
      assertThat(store.topicRange(TopicKey.of("/xmtp/0/none/proto"), 0, 100, Long.MAX_VALUE)).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldPageTopicsAscendingByKeyWithTheirSummaries(Backend backend) {
    try (EventStore store = backend.open(dir)) {
      List<String> names = IntStream.range(0, 7).mapToObj(i -> "/xmtp/0/page-" + i + "/proto").toList();
      for (int i = 0; i < names.size(); i++) {
        for (int n = 0; n <= i; n++) {
          store.append(List.of(a.next(names.get(i), n, "n" + n)));
        }
      }
      List<TopicSummary> all = new ArrayList<>();
      TopicKey after = null;
      List<TopicSummary> page;
      while (!(page = store.topics(after, 3)).isEmpty()) {
        all.addAll(page);
        after = page.get(page.size() - 1).key();
      }
      assertThat(all).extracting(TopicSummary::key)
          .containsExactlyElementsOf(names.stream().map(TopicKey::of).sorted().toList());
      for (TopicSummary t : all) {
        int i = names.indexOf(t.name());
        assertThat(t.events()).isEqualTo(i + 1);
        assertThat(t.headsHash()).isEqualTo(ReplicationConformanceTest.headsHash(t.key(),
            store.heads(t.name()).toArray(EventId[]::new)));
      }
      assertThat(store.topics(null, 0)).isEmpty();
    }
  }

  /** Six topics, two origins, branches and a merge: the same history for every store of a test. */
  private List<StoredEvent> history() {
    List<StoredEvent> out = new ArrayList<>();
    for (int t = 0; t < 6; t++) {
      String topic = "/xmtp/0/fp-" + t + "/proto";
      StoredEvent root = a.child(topic, 1, "root", List.of());
      StoredEvent left = a.child(topic, 2, "left", List.of(root.event().id()));
      StoredEvent right = b.child(topic, 3, "right", List.of(root.event().id()));
      out.addAll(List.of(root, left, right));
      if (t % 2 == 0) {
        out.add(b.merge(TopicKey.of(topic), List.of(left.event().id(), right.event().id())));
      }
    }
    return out;
  }

  private static byte[] xorOf(List<TopicSummary> topics) {
    byte[] out = new byte[32];
    for (TopicSummary t : topics) {
      for (int i = 0; i < 32; i++) {
        out[i] ^= t.headsHash()[i];
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldAgreeOnFingerprintBucketsWhateverTheArrivalOrderAndDifferWhenAnEventIsMissing(Backend backend) {
    List<StoredEvent> history = history();
    try (EventStore one = backend.open(dir.resolve("one"));
        EventStore perTopic = backend.open(dir.resolve("per-topic"));
        EventStore lacking = backend.open(dir.resolve("lacking"))) {
      assertThat(one.fingerprintBuckets()).isDeepEqualTo(new byte[256][32]);
      one.append(history);
      Map<TopicKey, List<StoredEvent>> byTopic = new HashMap<>();
      history.forEach(e -> byTopic.computeIfAbsent(new TopicKey(e.event().event().topicId()), k -> new ArrayList<>())
          .add(e));
      byTopic.keySet().stream().sorted(Comparator.reverseOrder())
          .forEach(k -> byTopic.get(k).forEach(e -> perTopic.append(List.of(e))));
      assertThat(perTopic.fingerprintBuckets()).isDeepEqualTo(one.fingerprintBuckets());
      StoredEvent last = history.get(history.size() - 1);
      lacking.append(history.subList(0, history.size() - 1));
      byte[][] full = one.fingerprintBuckets();
      byte[][] partial = lacking.fingerprintBuckets();
      int bucket = new TopicKey(last.event().event().topicId()).bucket();
      assertThat(partial[bucket]).isNotEqualTo(full[bucket]);
      for (int i = 0; i < 256; i++) {
        if (i != bucket) {
          assertThat(partial[i]).as("bucket %d", i).isEqualTo(full[i]);
        }
      }
    }
    try (EventStore reopened = backend.open(dir.resolve("per-topic"))) {
      byte[][] buckets = reopened.fingerprintBuckets();
      for (int i = 0; i < 256; i++) {
        assertThat(buckets[i]).as("bucket %d", i).isEqualTo(xorOf(reopened.topicsInBucket(i)));
      }
      assertThat(Arrays.stream(buckets).filter(bk -> !Arrays.equals(bk, new byte[32])).count()).isPositive();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldListExactlyTheTopicsOfOneBucketAscending(Backend backend) {
    try (EventStore store = backend.open(dir)) {
      store.append(history());
      for (int i = 0; i < 40; i++) {
        store.append(List.of(a.next("/xmtp/0/spread-" + i + "/proto", i, "s")));
      }
      List<TopicSummary> union = new ArrayList<>();
      for (int bucket = 0; bucket < 256; bucket++) {
        List<TopicSummary> in = store.topicsInBucket(bucket);
        int expected = bucket;
        assertThat(in).allSatisfy(t -> assertThat(t.key().bucket()).isEqualTo(expected));
        assertThat(in).extracting(TopicSummary::key).isSorted();
        union.addAll(in);
      }
      assertThat(union).extracting(TopicSummary::key)
          .containsExactlyElementsOf(store.topics(null, 1_000).stream().map(TopicSummary::key).toList());
      TopicKey some = TopicKey.of("/xmtp/0/spread-7/proto");
      assertThat(store.topicsInBucket(some.bucket())).extracting(TopicSummary::key).contains(some);
    }
  }
}
