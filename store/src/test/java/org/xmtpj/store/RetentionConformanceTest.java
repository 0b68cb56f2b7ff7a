package org.xmtpj.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xmtpj.dag.ClientEnvelope;
import org.xmtpj.dag.EventCodec;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.SortDirection;
import org.xmtpj.dag.TopicHeads;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.store.StoreBackends.Backend;

/** Retention on every backend: pruning below a horizon, floors, heads kept and retired, visibility after pruning. */
class RetentionConformanceTest {
  private static final long OLD = 1_000;
  private static final long HORIZON = 5_000;
  private static final long NEW = 10_000;
  private static final String CHAIN = "/xmtp/0/m-chain/proto";
  private static final String REVIVED = "/xmtp/0/m-revived/proto";
  private static final String DORMANT = "/xmtp/0/m-dormant/proto";
  private final Map<TopicKey, TopicHeads> heads = new HashMap<>();
  private final TestOrigin a = new TestOrigin(heads);
  private final TestOrigin b = new TestOrigin(heads);

  @TempDir
  Path dir;

  static Stream<Backend> backends() {
    return StoreBackends.all();
  }

  private static EventId id(StoredEvent e) {
    return e.event().id();
  }

  private static List<Long> seqs(List<byte[]> raws) {
    return raws.stream().map(r -> EventCodec.decode(r).event().originSeq()).toList();
  }

  private static List<ClientEnvelope> all(EventStore store, String topic) {
    return store.query(new EnvelopeQuery(List.of(topic), 0, 0, SortDirection.ASCENDING, null, 100)).envelopes();
  }

  /**
   * a1 → a2 → a3 on CHAIN (all old: a1 and a2 go, the head a3 stays); a4 (old) ← a5 (new) on REVIVED (a4 stays:
   * its child is above the horizon); a6 alone on DORMANT (an old head stays).
   */
  private List<StoredEvent> history() {
    a.createdAt(OLD);
    StoredEvent a1 = a.next(CHAIN, 1, "a1");
    StoredEvent a2 = a.next(CHAIN, 2, "a2");
    StoredEvent a3 = a.next(CHAIN, 3, "a3");
    StoredEvent a4 = a.next(REVIVED, 4, "a4");
    a.createdAt(NEW);
    StoredEvent a5 = a.next(REVIVED, 5, "a5");
    a.createdAt(OLD);
    StoredEvent a6 = a.next(DORMANT, 6, "a6");
    return List.of(a1, a2, a3, a4, a5, a6);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldPruneOldEventsExceptHeadsAndParentsOfNewEventsAndRecordTheFloor(Backend backend) {
    List<StoredEvent> h = history();
    try (EventStore store = backend.open(dir)) {
      store.append(h);
      List<byte[]> bucketsBefore = List.of(store.fingerprintBuckets());
      List<TopicSummary> before = store.topics(null, 10);
      PruneResult r = store.prune(HORIZON, 100);
      assertThat(r.pruned()).isEqualTo(2);
      assertThat(r.more()).isFalse();
      assertThat(r.visible()).isEmpty();
      assertThat(store.existingIds(h.stream().map(RetentionConformanceTest::id).toList()))
          .containsExactlyInAnyOrder(id(h.get(2)), id(h.get(3)), id(h.get(4)), id(h.get(5)));
      assertThat(all(store, CHAIN)).containsExactly(h.get(2).envelope());
      assertThat(store.readAfter(0, null, 10)).extracting(StoredEnvelope::envelope)
          .containsExactly(h.get(2).envelope(), h.get(3).envelope(), h.get(4).envelope(), h.get(5).envelope());
      assertThat(store.existingDigests(List.of(h.get(0).digest()))).isEmpty();
      assertThat(store.stats().events()).isEqualTo(4);
      assertThat(store.stats().payloadBytes()).isEqualTo(h.subList(2, 6).stream()
          .mapToLong(e -> e.event().encoded().length).sum());
      List<TopicSummary> after = store.topics(null, 10);
      Map<TopicKey, Long> counts = Map.of(TopicKey.of(CHAIN), 1L, TopicKey.of(REVIVED), 2L, TopicKey.of(DORMANT), 1L);
      for (int i = 0; i < after.size(); i++) {
        assertThat(after.get(i).headsHash()).isEqualTo(before.get(i).headsHash());
        assertThat(after.get(i).events()).isEqualTo(counts.get(after.get(i).key()));
      }
      assertThat(List.of(store.fingerprintBuckets())).usingRecursiveComparison().isEqualTo(bucketsBefore);
      assertThat(store.heads(CHAIN)).containsExactly(id(h.get(2)));
      assertThat(store.floor(a.key())).isEqualTo(2);
      assertThat(store.vector()).containsExactly(Map.entry(a.key(), new OriginProgress(6, 6)));
      assertThat(seqs(store.originRange(a.key(), 1, 10, Long.MAX_VALUE))).containsExactly(3L, 4L, 5L, 6L);
      assertThat(store.topicRange(TopicKey.of(CHAIN), 0, 10, Long.MAX_VALUE)).hasSize(1);
      assertThat(store.prune(HORIZON, 100).pruned()).isZero();
    }
    try (EventStore store = backend.open(dir)) {
      assertThat(store.floor(a.key())).isEqualTo(2);
      assertThat(store.vector()).containsExactly(Map.entry(a.key(), new OriginProgress(6, 6)));
      assertThat(store.stats().events()).isEqualTo(4);
      assertThat(store.prune(NEW + 1, 100).pruned()).as("a5 is now old too, so a4 goes").isEqualTo(1);
      assertThat(store.floor(a.key())).isEqualTo(4);
      assertThat(store.writerState(a.bytes())).isEqualTo(new WriterState(6, 6));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldNotPruneAboveAGapSoThatTheFloorNeverPassesIt(Backend backend) {
    a.createdAt(OLD);
    StoredEvent s1 = a.at(1, CHAIN, 1, "s1", List.of(), 0);
    StoredEvent s3 = a.at(3, CHAIN, 3, "s3", List.of(id(s1)), 0);
    StoredEvent s4 = a.at(4, CHAIN, 4, "s4", List.of(id(s3)), 0);
    try (EventStore store = backend.open(dir)) {
      store.append(List.of(s1, s3, s4));
      assertThat(store.prune(HORIZON, 100).pruned()).isEqualTo(1);
      assertThat(store.existingIds(List.of(id(s1), id(s3), id(s4)))).containsExactlyInAnyOrder(id(s3), id(s4));
      assertThat(store.floor(a.key())).isEqualTo(1);
      assertThat(store.vector()).containsExactly(Map.entry(a.key(), new OriginProgress(1, 4)));
      store.append(List.of(a.at(2, DORMANT, 2, "s2", List.of(), 0)));
      assertThat(store.vector()).containsExactly(Map.entry(a.key(), new OriginProgress(4, 4)));
      assertThat(store.prune(HORIZON, 100).pruned()).as("s3 now lies in the contiguous prefix").isEqualTo(1);
      assertThat(store.floor(a.key())).isEqualTo(3);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldBoundEachPassAndResumeWhereTheLastOneStopped(Backend backend) {
    a.createdAt(OLD);
    List<StoredEvent> chain = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      chain.add(a.next(CHAIN, i, "c" + i));
    }
    try (EventStore store = backend.open(dir)) {
      store.append(chain);
      int passes = 0;
      int pruned = 0;
      PruneResult r;
      do {
        r = store.prune(HORIZON, 3);
        assertThat(r.pruned()).isLessThanOrEqualTo(3);
        pruned += r.pruned();
        passes++;
      } while (r.more());
      assertThat(pruned).isEqualTo(9);
      assertThat(passes).isEqualTo(4);
      assertThat(store.heads(CHAIN)).containsExactly(id(chain.get(9)));
      assertThat(store.floor(a.key())).isEqualTo(9);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldRaiseTheFloorOverGapsAPeerDeclaredAndMoveContiguousPastThem(Backend backend) {
    try (EventStore store = backend.open(dir)) {
      for (long s : new long[] {1, 2, 5, 6}) {
        store.append(List.of(a.at(s, "/xmtp/0/f" + s + "/proto", s, "f" + s, List.of(), 0)));
      }
      assertThat(store.vector()).containsExactly(Map.entry(a.key(), new OriginProgress(2, 6)));
      assertThat(store.raiseFloor(a.key(), 4)).isEqualTo(new OriginProgress(6, 6));
      assertThat(store.floor(a.key())).isEqualTo(4);
      assertThat(store.raiseFloor(a.key(), 3)).as("a floor never falls").isEqualTo(new OriginProgress(6, 6));
      assertThat(store.floor(a.key())).isEqualTo(4);
      assertThat(store.raiseFloor(b.key(), 10)).as("an origin never seen here").isEqualTo(new OriginProgress(10, 10));
      store.append(List.of(a.at(7, "/xmtp/0/f7/proto", 7, "f7", List.of(), 0)));
      assertThat(store.vector()).containsEntry(a.key(), new OriginProgress(7, 7));
    }
    try (EventStore store = backend.open(dir)) {
      assertThat(store.vector()).containsOnly(Map.entry(a.key(), new OriginProgress(7, 7)),
          Map.entry(b.key(), new OriginProgress(10, 10)));
      assertThat(store.floor(a.key())).isEqualTo(4);
      assertThat(store.floor(b.key())).isEqualTo(10);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldNotMakeAnEventAHeadWhenItsChildWasStoredFirst(Backend backend) {
    StoredEvent parent = a.child(CHAIN, 1, "parent", List.of());
    StoredEvent child = b.child(CHAIN, 2, "child", List.of(id(parent)));
    try (EventStore store = backend.open(dir)) {
      store.append(List.of(child)); // below the horizon a child may be inserted without its parent
      store.append(List.of(parent));
      assertThat(store.heads(CHAIN)).containsExactly(id(child));
      assertThat(store.topics(null, 10).get(0).headsHash())
          .isEqualTo(ReplicationConformanceTest.headsHash(TopicKey.of(CHAIN), id(child)));
      assertThat(store.topics(null, 10).get(0).events()).isEqualTo(2);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldHandTheDigestToTheNextEventWhenItsRepresentativeIsPruned(Backend backend) {
    a.createdAt(OLD);
    b.createdAt(OLD);
    StoredEvent first = a.child(CHAIN, 1, "same", List.of());
    StoredEvent middle = a.child(CHAIN, 5, "middle", List.of(id(first)));
    StoredEvent duplicate = b.child(CHAIN, 2, "same", List.of(id(middle)));
    try (EventStore store = backend.open(dir)) {
      store.append(List.of(first, middle, duplicate));
      assertThat(all(store, CHAIN)).containsExactly(first.envelope(), middle.envelope());
      PruneResult r = store.prune(HORIZON, 100);
      assertThat(r.pruned()).isEqualTo(2);
      assertThat(r.visible()).singleElement().satisfies(v -> {
        assertThat(v.envelope()).isEqualTo(duplicate.envelope());
        assertThat(v.localSeq()).isEqualTo(3);
      });
      assertThat(all(store, CHAIN)).containsExactly(duplicate.envelope());
      assertThat(store.readAfter(2, null, 10)).extracting(StoredEnvelope::envelope)
          .containsExactly(duplicate.envelope());
      assertThat(store.writerState(a.bytes()).lastLocalSeq()).isEqualTo(3);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldRetireSupersededHeadsButNeverTheLastOne(Backend backend) {
    StoredEvent left = a.child(CHAIN, 1, "left", List.of());
    StoredEvent right = b.child(CHAIN, 2, "right", List.of());
    TopicKey key = TopicKey.of(CHAIN);
    try (EventStore store = backend.open(dir)) {
      store.append(List.of(left, right));
      assertThat(store.retireHeads(key, List.of(id(left), new EventId(new byte[32])))).isEqualTo(1);
      assertThat(store.heads(CHAIN)).containsExactly(id(right));
      byte[] hash = ReplicationConformanceTest.headsHash(key, id(right));
      assertThat(store.topics(null, 10).get(0).headsHash()).isEqualTo(hash);
      assertThat(store.fingerprintBuckets()[key.bucket()]).isEqualTo(hash);
      assertThat(store.retireHeads(key, List.of(id(right)))).isZero();
      assertThat(store.heads(CHAIN)).containsExactly(id(right));
    }
    try (EventStore store = backend.open(dir)) {
      assertThat(store.fingerprintBuckets()[key.bucket()])
          .isEqualTo(ReplicationConformanceTest.headsHash(key, id(right)));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldFillCreationTimesAndLinksOfEventsStoredBeforeV3AtOpen(Backend backend) throws Exception {
    List<StoredEvent> h = history();
    try (EventStore store = backend.open(dir)) {
      store.append(h);
    }
    try (Connection c = DriverManager.getConnection(backend.url(dir)); Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE events SET created_at = NULL");
      s.executeUpdate("DELETE FROM links");
    }
    try (EventStore store = backend.open(dir)) {
      assertThat(store.prune(HORIZON, 100).pruned()).as("a4 is still protected by its new child").isEqualTo(2);
      assertThat(store.existingIds(List.of(id(h.get(3))))).hasSize(1);
    }
  }
}
