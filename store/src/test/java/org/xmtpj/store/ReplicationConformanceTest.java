package org.xmtpj.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xmtpj.crypto.Sha256;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.TopicHeads;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.store.StoreBackends.Backend;

/** The replica's own state on every backend: heads, the vector, equivocation evidence, lookups by id. */
class ReplicationConformanceTest {
  private static final String TOPIC = "/xmtp/0/m-replication/proto";
  private static final TopicKey KEY = TopicKey.of(TOPIC);
  private final Map<TopicKey, TopicHeads> heads = new HashMap<>();
  private final TestOrigin a = new TestOrigin(heads);
  private final TestOrigin b = new TestOrigin(heads);

  @TempDir
  Path dir;

  static Stream<Backend> backends() {
    return StoreBackends.all();
  }

  /** The contract's definition, computed independently of the store. */
  static byte[] headsHash(TopicKey topic, EventId... heads) {
    List<byte[]> parts = new ArrayList<>(List.of("xmtpj/heads/v1\0".getBytes(StandardCharsets.US_ASCII),
        topic.bytes()));
    Stream.of(heads).sorted().forEach(id -> parts.add(id.bytes()));
    return Sha256.hash(parts.toArray(byte[][]::new));
  }

  private static EventId id(StoredEvent e) {
    return e.event().id();
  }

  private static String hex(byte[] raw) {
    return HexFormat.of().formatHex(raw);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldKeepConcurrentBranchesAsHeadsUntilAMergeJoinsThem(Backend backend) {
    try (EventStore store = backend.open(dir)) {
      StoredEvent root = a.child(TOPIC, 1, "root", List.of());
      StoredEvent left = a.child(TOPIC, 2, "left", List.of(id(root)));
      StoredEvent right = b.child(TOPIC, 3, "right", List.of(id(root)));
      store.append(List.of(root));
      store.append(List.of(left));
      store.append(List.of(right));
      List<EventId> branches = Stream.of(id(left), id(right)).sorted().toList();
      assertThat(store.heads(KEY)).extracting(Head::id).containsExactlyElementsOf(branches);
      assertThat(store.heads(KEY)).extracting(Head::hiddenUntilMs).containsOnly(0L);
      assertThat(store.heads(TOPIC)).containsExactlyElementsOf(branches);
      TopicSummary before = store.topics(null, 10).get(0);
      assertThat(before.events()).isEqualTo(3);
      assertThat(before.headsHash()).isEqualTo(headsHash(KEY, id(left), id(right)));
      StoredEvent merge = a.merge(KEY, branches);
      assertThat(store.append(List.of(merge)).visible()).isEmpty();
      assertThat(store.heads(KEY)).containsExactly(new Head(id(merge), 0));
      TopicSummary after = store.topics(null, 10).get(0);
      assertThat(after.name()).isEqualTo(TOPIC);
      assertThat(after.events()).isEqualTo(4);
      assertThat(after.headsHash()).isEqualTo(headsHash(KEY, id(merge)));
      assertThat(store.readAfter(0, null, 10)).hasSize(3);
      assertThat(store.topicsOf(List.of(id(merge)))).containsExactly(Map.entry(id(merge), KEY));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldApplyBranchesAndTheirMergeWithinOneBatch(Backend backend) {
    try (EventStore store = backend.open(dir)) {
      StoredEvent root = a.child(TOPIC, 1, "root", List.of());
      StoredEvent left = a.child(TOPIC, 2, "left", List.of(id(root)));
      StoredEvent right = b.child(TOPIC, 3, "right", List.of(id(root)));
      StoredEvent merge = b.merge(KEY, List.of(id(left), id(right)));
      StoredEvent loose = a.child(TOPIC, 4, "parentless", List.of());
      store.append(List.of(root, left, right, merge, loose));
      assertThat(store.heads(KEY)).extracting(Head::id)
          .containsExactlyElementsOf(Stream.of(id(merge), id(loose)).sorted().toList());
      assertThat(store.topics(null, 10).get(0).headsHash()).isEqualTo(headsHash(KEY, id(merge), id(loose)));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldCreateANamelessTopicForAParentlessMergeAndNameItWhenAnEnvelopeArrives(Backend backend) {
    try (EventStore store = backend.open(dir)) {
      StoredEvent merge = a.merge(KEY, List.of());
      store.append(List.of(merge));
      assertThat(store.topics(null, 10)).singleElement().satisfies(t -> {
        assertThat(t.key()).isEqualTo(KEY);
        assertThat(t.name()).isNull();
        assertThat(t.events()).isEqualTo(1);
      });
      assertThat(store.heads(TOPIC)).containsExactly(id(merge));
      store.append(List.of(a.child(TOPIC, 5, "named", List.of(id(merge)))));
      assertThat(store.topics(null, 10)).singleElement().extracting(TopicSummary::name).isEqualTo(TOPIC);
      assertThat(store.stats().topics()).isEqualTo(1);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldCountOnlyTheContiguousPrefixWhenSequencesArriveOutOfOrderAndAcrossRestarts(Backend backend) {
    StoredEvent[] seq = new StoredEvent[6];
    for (int s = 1; s <= 5; s++) {
      seq[s] = a.at(s, "/xmtp/0/v" + s + "/proto", s, "v" + s, List.of(), 0);
    }
    try (EventStore store = backend.open(dir)) {
      assertThat(store.vector()).isEmpty();
      store.append(List.of(seq[1], seq[3]));
      assertThat(store.vector()).containsExactly(Map.entry(a.key(), new OriginProgress(1, 3)));
      store.append(List.of(seq[2]));
      assertThat(store.vector()).containsExactly(Map.entry(a.key(), new OriginProgress(3, 3)));
      store.append(List.of(seq[5]));
      assertThat(store.vector()).containsExactly(Map.entry(a.key(), new OriginProgress(3, 5)));
    }
    try (EventStore store = backend.open(dir)) {
      assertThat(store.vector()).containsExactly(Map.entry(a.key(), new OriginProgress(3, 5)));
      store.append(List.of(seq[4], b.at(1, TOPIC, 1, "b1", List.of(), 0)));
      assertThat(store.vector()).containsOnly(Map.entry(a.key(), new OriginProgress(5, 5)),
          Map.entry(b.key(), new OriginProgress(1, 1)));
    }
    try (EventStore store = backend.open(dir)) {
      assertThat(store.vector()).containsOnly(Map.entry(a.key(), new OriginProgress(5, 5)),
          Map.entry(b.key(), new OriginProgress(1, 1)));
      assertThat(store.writerState(a.bytes())).isEqualTo(new WriterState(5, 6));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldStoreBothEquivocatingEventsRecordEvidenceOnceAndCountTheSequenceOnce(Backend backend) {
    StoredEvent one = a.at(1, TOPIC, 1, "one", List.of(), 0);
    StoredEvent oneAgain = a.at(1, TOPIC, 1, "another one", List.of(), 0);
    StoredEvent two = a.at(2, TOPIC, 2, "two", List.of(id(one)), 0);
    StoredEvent twoAgain = a.at(2, "/xmtp/0/elsewhere/proto", 2, "another two", List.of(), 0);
    try (EventStore store = backend.open(dir)) {
      store.append(List.of(one));
      AppendResult r = store.append(List.of(oneAgain));
      assertThat(r.inserted()).containsExactly(true);
      assertThat(r.evidence()).singleElement().satisfies(e -> {
        assertThat(e.origin()).isEqualTo(a.key());
        assertThat(e.originSeq()).isEqualTo(1);
        assertThat(e.first()).isEqualTo(one.event().encoded());
        assertThat(e.second()).isEqualTo(oneAgain.event().encoded());
      });
      assertThat(store.append(List.of(oneAgain)).evidence()).isEmpty();
      AppendResult batch = store.append(List.of(two, twoAgain));
      assertThat(batch.evidence()).singleElement().satisfies(e -> {
        assertThat(e.first()).isEqualTo(two.event().encoded());
        assertThat(e.second()).isEqualTo(twoAgain.event().encoded());
      });
      assertThat(store.vector()).containsExactly(Map.entry(a.key(), new OriginProgress(2, 2)));
      assertThat(store.existingIds(List.of(id(one), id(oneAgain), id(two), id(twoAgain)))).hasSize(4);
      assertThat(store.originRange(a.key(), 1, 10, Long.MAX_VALUE)).extracting(ReplicationConformanceTest::hex)
          .containsExactlyElementsOf(Stream.of(one, oneAgain, two, twoAgain)
              .sorted((x, y) -> x.event().event().originSeq() != y.event().event().originSeq()
                  ? Long.compare(x.event().event().originSeq(), y.event().event().originSeq())
                  : id(x).compareTo(id(y)))
              .map(e -> hex(e.event().encoded())).toList());
    }
    try (EventStore store = backend.open(dir)) {
      assertThat(store.evidence(10)).extracting(Evidence::originSeq).containsExactly(1L, 2L);
      assertThat(store.evidence(1)).extracting(e -> hex(e.second())).containsExactly(hex(oneAgain.event().encoded()));
      assertThat(store.vector()).containsExactly(Map.entry(a.key(), new OriginProgress(2, 2)));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldReportStoredIdsTheirTopicsAndEncodingsBeyondOneChunk(Backend backend) {
    try (EventStore store = backend.open(dir)) {
      List<StoredEvent> batch = new ArrayList<>();
      for (int i = 0; i < 1_100; i++) {
        batch.add(a.next("/xmtp/0/bulk-" + (i % 3) + "/proto", i, "bulk " + i));
      }
      store.append(batch);
      List<EventId> ids = new ArrayList<>(batch.stream().map(ReplicationConformanceTest::id).toList());
      EventId absent = new EventId(new byte[32]);
      ids.add(absent);
      assertThat(store.existingIds(ids)).hasSize(1_100).doesNotContain(absent);
      Map<EventId, TopicKey> topics = store.topicsOf(ids);
      assertThat(topics).hasSize(1_100);
      batch.forEach(e -> assertThat(topics.get(id(e))).isEqualTo(new TopicKey(e.event().event().topicId())));
      Set<String> raws = new HashSet<>(store.events(ids).stream().map(ReplicationConformanceTest::hex).toList());
      assertThat(raws).isEqualTo(new HashSet<>(batch.stream().map(e -> hex(e.event().encoded())).toList()));
      assertThat(store.event(id(batch.get(7)))).hasValueSatisfying(
          raw -> assertThat(raw).isEqualTo(batch.get(7).event().encoded()));
      assertThat(store.existingIds(List.of())).isEmpty();
      assertThat(store.events(List.of(absent))).isEmpty();
    }
  }
}
