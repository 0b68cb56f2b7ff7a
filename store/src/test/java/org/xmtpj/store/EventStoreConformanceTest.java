package org.xmtpj.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xmtpj.dag.ClientEnvelope;
import org.xmtpj.dag.EnvelopeCursor;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.SortDirection;
import org.xmtpj.dag.TopicHeads;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.store.StoreBackends.Backend;

/**
 * One suite, every backend: the stores must agree on every observable behaviour. This class covers the client
 * view and the basics of append; {@link VisibilityConformanceTest}, {@link ReplicationConformanceTest} and
 * {@link MigrationConformanceTest} cover the rest of the contract.
 */
class EventStoreConformanceTest {
  private static final String TOPIC = "/xmtp/0/m-conformance/proto";
  private final Map<TopicKey, TopicHeads> heads = new HashMap<>();
  private final TestOrigin origin = new TestOrigin(heads);

  @TempDir
  Path dir;

  static java.util.stream.Stream<Backend> backends() {
    return StoreBackends.all();
  }

  private StoredEvent event(String topic, long ts, String message) {
    return origin.next(topic, ts, message);
  }

  private List<StoredEvent> fill(EventStore store, String topic, int n, long baseTs) {
    List<StoredEvent> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batch.add(event(topic, baseTs + (i % 7) * 1000 + i / 7, "m" + i));
    }
    store.append(batch);
    return batch;
  }

  private static List<ClientEnvelope> sorted(List<StoredEvent> events, SortDirection dir) {
    Comparator<ClientEnvelope> c = Comparator.comparingLong(ClientEnvelope::timestampNs)
        .thenComparing(ClientEnvelope::digest, java.util.Arrays::compareUnsigned);
    return events.stream().map(StoredEvent::envelope)
        .sorted(dir == SortDirection.ASCENDING ? c : c.reversed()).toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldReturnEnvelopesInClientOrderAcrossPagesInBothDirections(Backend backend) {
    try (EventStore store = backend.open(dir)) {
      List<StoredEvent> stored = fill(store, TOPIC, 250, 1_000_000);
      for (SortDirection direction : SortDirection.values()) {
        for (int pageSize : new int[] {1, 7, 100}) {
          List<ClientEnvelope> all = new ArrayList<>();
          EnvelopeCursor cursor = null;
          do {
            EnvelopePage page = store.query(new EnvelopeQuery(List.of(TOPIC), 0, 0, direction, cursor, pageSize));
            all.addAll(page.envelopes());
            cursor = page.next();
          } while (cursor != null);
          assertThat(all).as("%s pages of %d", direction, pageSize).isEqualTo(sorted(stored, direction));
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldEndAPageAtItsByteBudgetWithACursorAndStillPageThroughEverything(Backend backend) {
    try (EventStore store = backend.open(dir)) {
      List<StoredEvent> stored = fill(store, TOPIC, 60, 1_000_000);
      long eventBytes = store.query(new EnvelopeQuery(List.of(TOPIC), 0, 0, SortDirection.ASCENDING, null, 1))
          .bytes();
      for (SortDirection direction : SortDirection.values()) {
        List<ClientEnvelope> all = new ArrayList<>();
        EnvelopeCursor cursor = null;
        int pages = 0;
        do {
          EnvelopePage page = store.query(new EnvelopeQuery(List.of(TOPIC), 0, 0, direction, cursor, 100,
              eventBytes * 5 + eventBytes / 2));
          assertThat(page.envelopes().size()).as("a page within 5.5 events' bytes").isBetween(1, 6);
          assertThat(page.bytes()).isLessThanOrEqualTo(eventBytes * 6);
          all.addAll(page.envelopes());
          cursor = page.next();
          pages++;
        } while (cursor != null);
        assertThat(all).as(direction.toString()).isEqualTo(sorted(stored, direction));
        assertThat(pages).as("the budget, not the limit of 100, ended the pages").isGreaterThanOrEqualTo(10);
      }
      assertThat(store.query(new EnvelopeQuery(List.of(TOPIC), 0, 0, SortDirection.ASCENDING, null, 100, 1))
          .envelopes()).as("a budget below one event still returns one, so paging moves on").hasSize(1);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldPageThroughRowsAtTimeZeroWithoutSkippingOrRepeatingRowsOfOtherTimes(Backend backend) {
    try (EventStore store = backend.open(dir)) {
      List<StoredEvent> stored = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        stored.add(event(TOPIC, i % 3 == 0 ? 0 : 1_000 + i, "z" + i)); // every third at time 0
      }
      store.append(stored);
      for (SortDirection direction : SortDirection.values()) {
        for (int pageSize : new int[] {1, 2, 5}) {
          List<ClientEnvelope> all = new ArrayList<>();
          EnvelopeCursor cursor = null;
          int pages = 0;
          do {
            EnvelopePage page = store.query(new EnvelopeQuery(List.of(TOPIC), 0, 0, direction, cursor, pageSize));
            all.addAll(page.envelopes());
            cursor = page.next();
          } while (cursor != null && ++pages < 100);
          assertThat(all).as("%s pages of %d over rows at time 0", direction, pageSize)
              .isEqualTo(sorted(stored, direction));
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldEndACatchUpReadAtItsByteBoundAndStillReadEverythingInLocalOrder(Backend backend) {
    try (EventStore store = backend.open(dir)) {
      fill(store, TOPIC, 40, 1_000_000);
      long one = store.query(new EnvelopeQuery(List.of(TOPIC), 0, 0, SortDirection.ASCENDING, null, 1)).bytes();
      List<StoredEnvelope> all = new ArrayList<>();
      long after = 0;
      int reads = 0;
      for (List<StoredEnvelope> page = store.readAfter(after, Set.of(TOPIC), 500, one * 3);
          !page.isEmpty() && reads < 100; page = store.readAfter(after, Set.of(TOPIC), 500, one * 3)) {
        assertThat(page.size()).as("a read within three events' bytes").isBetween(1, 4);
        all.addAll(page);
        after = page.get(page.size() - 1).localSeq();
        reads++;
      }
      assertThat(all).hasSize(40);
      assertThat(all).extracting(StoredEnvelope::localSeq).isSorted().doesNotHaveDuplicates();
      assertThat(store.readAfter(0, Set.of(TOPIC), 500, 1)).as("a bound below one event still reads one")
          .hasSize(1);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldFilterByInclusiveTimeBounds(Backend backend) {
    try (EventStore store = backend.open(dir)) {
      List<StoredEvent> batch = new ArrayList<>();
      for (long ts = 1; ts <= 10; ts++) {
        batch.add(event(TOPIC, ts * 100, "t" + ts));
      }
      store.append(batch);
      EnvelopePage page = store.query(new EnvelopeQuery(List.of(TOPIC), 300, 500, SortDirection.ASCENDING, null,
          100));
      assertThat(page.envelopes()).extracting(ClientEnvelope::timestampNs).containsExactly(300L, 400L, 500L);
      assertThat(page.next()).isNull();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldReturnCursorOnlyWhenPageIsFull(Backend backend) {
    try (EventStore store = backend.open(dir)) {
      fill(store, TOPIC, 5, 1000);
      assertThat(store.query(new EnvelopeQuery(List.of(TOPIC), 0, 0, SortDirection.DESCENDING, null, 5)).next())
          .isNotNull();
      assertThat(store.query(new EnvelopeQuery(List.of(TOPIC), 0, 0, SortDirection.DESCENDING, null, 6)).next())
          .isNull();
      assertThat(store.query(new EnvelopeQuery(List.of("/xmtp/0/unknown/proto"), 0, 0,
          SortDirection.DESCENDING, null, 6)).envelopes()).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldKeepTopicsApartAndMergeThemInOneQuery(Backend backend) {
    try (EventStore store = backend.open(dir)) {
      fill(store, "/xmtp/0/a/proto", 3, 10);
      fill(store, "/xmtp/0/b/proto", 4, 20);
      assertThat(store.query(new EnvelopeQuery(List.of("/xmtp/0/a/proto"), 0, 0, SortDirection.ASCENDING, null,
          100)).envelopes()).hasSize(3).allMatch(e -> e.contentTopic().equals("/xmtp/0/a/proto"));
      assertThat(store.query(new EnvelopeQuery(List.of("/xmtp/0/a/proto", "/xmtp/0/b/proto"), 0, 0,
          SortDirection.ASCENDING, null, 100)).envelopes()).hasSize(7);
      assertThat(store.stats().topics()).isEqualTo(2);
      assertThat(store.stats().events()).isEqualTo(7);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldUpdateHeadsInTheSameTransactionAsTheInsert(Backend backend) {
    try (EventStore store = backend.open(dir)) {
      List<StoredEvent> first = fill(store, TOPIC, 3, 0);
      assertThat(store.heads(TOPIC)).containsExactly(first.get(2).event().id());
      StoredEvent next = event(TOPIC, 99, "x");
      store.append(List.of(next));
      assertThat(next.event().event().parents()).containsExactly(first.get(2).event().id());
      assertThat(store.heads(TOPIC)).containsExactly(next.event().id());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldStoreNothingOfABatchThatFailsHalfway(Backend backend) {
    try (EventStore store = backend.open(dir)) {
      List<StoredEvent> first = fill(store, TOPIC, 2, 0);
      Map<OriginKey, OriginProgress> vector = store.vector();
      byte[][] buckets = store.fingerprintBuckets();
      StoreStats stats = store.stats();
      StoredEvent fresh = event("/xmtp/0/fresh/proto", 5, "fresh");
      StoredEvent next = event(TOPIC, 6, "next");
      // an envelope that does not belong to its event's topic: refused after the fresh topic's row was written
      StoredEvent bad = new StoredEvent(next.event(), new ClientEnvelope("/xmtp/0/other/proto", 6, new byte[1]), 0);
      assertThatThrownBy(() -> store.append(List.of(fresh, bad))).isInstanceOf(StoreException.class)
          .hasMessageContaining("nothing stored");
      assertThat(store.existingDigests(List.of(fresh.digest()))).isEmpty();
      assertThat(store.existingIds(List.of(fresh.event().id(), next.event().id()))).isEmpty();
      assertThat(store.topics(null, 10)).extracting(TopicSummary::name).containsExactly(TOPIC);
      assertThat(store.heads(TOPIC)).containsExactly(first.get(1).event().id());
      assertThat(store.stats()).isEqualTo(stats);
      assertThat(store.vector()).isEqualTo(vector);
      assertThat(store.fingerprintBuckets()).isDeepEqualTo(buckets);
      AppendResult after = store.append(List.of(fresh, next));
      assertThat(after.visible()).extracting(StoredEnvelope::localSeq).containsExactly(3L, 4L);
      assertThat(store.stats().events()).isEqualTo(4);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldSkipEventsWhoseIdIsStoredOrEarlierInTheBatchAndReportThem(Backend backend) {
    try (EventStore store = backend.open(dir)) {
      StoredEvent a = event(TOPIC, 1, "a");
      StoredEvent b = event(TOPIC, 2, "b");
      StoredEvent c = event(TOPIC, 3, "c");
      assertThat(store.append(List.of(a, b)).inserted()).containsExactly(true, true);
      AppendResult again = store.append(List.of(b, c, c, a));
      assertThat(again.inserted()).containsExactly(false, true, false, false);
      assertThat(again.insertedCount()).isEqualTo(1);
      assertThat(again.visible()).extracting(StoredEnvelope::envelope).containsExactly(c.envelope());
      assertThat(store.append(List.of(a, b, c)).inserted()).containsExactly(false, false, false);
      assertThat(store.stats().events()).isEqualTo(3);
      assertThat(store.heads(TOPIC)).containsExactly(c.event().id());
      assertThat(store.topics(null, 10)).singleElement().extracting(TopicSummary::events).isEqualTo(3L);
      assertThat(store.readAfter(0, null, 10)).extracting(StoredEnvelope::localSeq).containsExactly(1L, 2L, 3L);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldAssignIncreasingLocalSequencesAcrossAppendsAndRestarts(Backend backend) {
    try (EventStore store = backend.open(dir)) {
      assertThat(store.append(List.of()).inserted()).isEmpty();
      assertThat(store.append(List.of(event(TOPIC, 1, "a"), event(TOPIC, 2, "b"))).visible())
          .extracting(StoredEnvelope::localSeq).containsExactly(1L, 2L);
    }
    try (EventStore store = backend.open(dir)) {
      assertThat(store.writerState(origin.bytes())).isEqualTo(new WriterState(2, 2));
      AppendResult r = store.append(List.of(event(TOPIC, 3, "c")));
      assertThat(r.visible()).extracting(StoredEnvelope::localSeq).containsExactly(3L);
      assertThat(store.readAfter(2, Set.of(TOPIC), 10)).extracting(StoredEnvelope::envelope)
          .containsExactly(r.visible().get(0).envelope());
    }
  }

  @Test
  void shouldOpenTheUnsyncedSimulatorStoreWithTheSameSchema() {
    try (EventStore store = EventStores.sqliteUnsynced(dir)) {
      store.append(List.of(event(TOPIC, 1, "a")));
    }
    try (EventStore store = EventStores.sqlite(dir)) {
      assertThat(store.query(new EnvelopeQuery(List.of(TOPIC), 0, 0, SortDirection.ASCENDING, null, 10))
          .envelopes()).hasSize(1);
      assertThat(store.vector()).containsEntry(origin.key(), new OriginProgress(1, 1));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldReportExistingDigestsAndEventsById(Backend backend) {
    try (EventStore store = backend.open(dir)) {
      List<StoredEvent> batch = fill(store, TOPIC, 3, 0);
      Digest absent = new Digest(new byte[32]);
      assertThat(store.existingDigests(List.of(batch.get(1).digest(), absent)))
          .isEqualTo(Set.of(batch.get(1).digest()));
      EventId id = batch.get(0).event().id();
      assertThat(store.event(id)).hasValueSatisfying(raw -> assertThat(raw).isEqualTo(batch.get(0).event().encoded()));
      assertThat(store.event(new EventId(new byte[32]))).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldReadAfterLocalSequenceForCatchUp(Backend backend) {
    try (EventStore store = backend.open(dir)) {
      fill(store, "/xmtp/0/a/proto", 5, 0);
      fill(store, "/xmtp/0/b/proto", 5, 0);
      List<StoredEnvelope> after = store.readAfter(3, Set.of("/xmtp/0/b/proto"), 3);
      assertThat(after).extracting(StoredEnvelope::localSeq).containsExactly(6L, 7L, 8L);
      assertThat(store.readAfter(8, null, 100)).extracting(StoredEnvelope::localSeq).containsExactly(9L, 10L);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldResumeWriterStateAfterReopen(Backend backend) {
    try (EventStore store = backend.open(dir)) {
      fill(store, TOPIC, 4, 0);
      assertThat(store.writerState(origin.bytes())).isEqualTo(new WriterState(4, 4));
      assertThat(store.writerState(new byte[32])).isEqualTo(new WriterState(0, 4));
    }
    try (EventStore reopened = backend.open(dir)) {
      assertThat(reopened.writerState(origin.bytes())).isEqualTo(new WriterState(4, 4));
      assertThat(reopened.heads(TOPIC)).hasSize(1);
      assertThat(reopened.stats().events()).isEqualTo(4);
      assertThat(reopened.stats().topics()).isEqualTo(1);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldOrderByDigestWhenTimestampsTie(Backend backend) {
    try (EventStore store = backend.open(dir)) {
      List<StoredEvent> batch = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        batch.add(event(TOPIC, 42, "tie" + i));
      }
      store.append(batch);
      List<ClientEnvelope> desc = new ArrayList<>();
      EnvelopeCursor cursor = null;
      do {
        EnvelopePage p = store.query(new EnvelopeQuery(List.of(TOPIC), 0, 0, SortDirection.DESCENDING, cursor, 3));
        desc.addAll(p.envelopes());
        cursor = p.next();
      } while (cursor != null);
      assertThat(desc).isEqualTo(sorted(batch, SortDirection.DESCENDING));
    }
  }
}
