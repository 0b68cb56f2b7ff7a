package org.xmtpj.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xmtpj.dag.ClientEnvelope;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.SortDirection;
import org.xmtpj.dag.TopicHeads;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.store.StoreBackends.Backend;

/**
 * Client visibility on every backend: hidden (future-dated) events and their release, and the representative of
 * a digest (the smallest (timestamp, id) among visible candidates).
 */
class VisibilityConformanceTest {
  private static final String TOPIC = "/xmtp/0/m-visibility/proto";
  private static final TopicKey KEY = TopicKey.of(TOPIC);
  private final Map<TopicKey, TopicHeads> heads = new HashMap<>();
  private final TestOrigin a = new TestOrigin(heads);
  private final TestOrigin b = new TestOrigin(heads);

  @TempDir
  Path dir;

  static java.util.stream.Stream<Backend> backends() {
    return StoreBackends.all();
  }

  private static List<ClientEnvelope> queryAll(EventStore store) {
    return store.query(new EnvelopeQuery(List.of(TOPIC), 0, 0, SortDirection.ASCENDING, null, 100)).envelopes();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldHideFutureDatedEventsFromClientsButKeepThemAsHeadsWithTheirTime(Backend backend) {
    try (EventStore store = backend.open(dir)) {
      StoredEvent shown = a.next(TOPIC, 100, "shown");
      StoredEvent hidden = a.nextHidden(TOPIC, 200, "hidden", 5_000);
      AppendResult r = store.append(List.of(shown, hidden));
      assertThat(r.inserted()).containsExactly(true, true);
      assertThat(r.visible()).extracting(StoredEnvelope::envelope).containsExactly(shown.envelope());
      assertThat(queryAll(store)).containsExactly(shown.envelope());
      assertThat(store.readAfter(0, null, 10)).extracting(StoredEnvelope::envelope)
          .containsExactly(shown.envelope());
      assertThat(store.existingDigests(List.of(shown.digest(), hidden.digest()))).containsExactly(shown.digest());
      assertThat(store.existingIds(List.of(hidden.event().id()))).containsExactly(hidden.event().id());
      assertThat(store.heads(KEY)).containsExactly(new Head(hidden.event().id(), 5_000));
      assertThat(store.heads(TOPIC)).containsExactly(hidden.event().id());
      assertThat(store.nextHiddenDue()).hasValue(5_000);
      assertThat(store.vector()).containsEntry(a.key(), new OriginProgress(2, 2));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldReleaseDueHiddenEventsInDueOrderDurably(Backend backend) {
    StoredEvent late;
    StoredEvent early;
    StoredEvent much;
    try (EventStore store = backend.open(dir)) {
      assertThat(store.nextHiddenDue()).isEmpty();
      assertThat(store.releaseDue(Long.MAX_VALUE)).isEmpty();
      store.append(List.of(a.next(TOPIC, 1, "visible")));
      late = a.nextHidden(TOPIC, 2, "late", 3_000);
      early = a.nextHidden(TOPIC, 3, "early", 2_000);
      much = a.nextHidden(TOPIC, 4, "much later", 9_000);
      store.append(List.of(late, early, much));
      assertThat(store.nextHiddenDue()).hasValue(2_000);
      assertThat(store.releaseDue(1_999)).isEmpty();
      List<StoredEnvelope> released = store.releaseDue(3_000);
      assertThat(released).extracting(StoredEnvelope::envelope).containsExactly(early.envelope(), late.envelope());
      assertThat(released).extracting(StoredEnvelope::localSeq).containsExactly(2L, 3L);
      assertThat(store.releaseDue(3_000)).isEmpty();
      assertThat(store.nextHiddenDue()).hasValue(9_000);
      assertThat(store.heads(KEY)).containsExactly(new Head(much.event().id(), 9_000));
      assertThat(store.existingDigests(List.of(early.digest(), late.digest(), much.digest())))
          .containsExactlyInAnyOrder(early.digest(), late.digest());
    }
    try (EventStore store = backend.open(dir)) {
      assertThat(store.nextHiddenDue()).hasValue(9_000);
      assertThat(queryAll(store)).hasSize(3).doesNotContain(much.envelope());
      assertThat(store.readAfter(1, Set.of(TOPIC), 10)).extracting(StoredEnvelope::localSeq)
          .containsExactly(2L, 3L);
      assertThat(store.releaseDue(9_000)).extracting(StoredEnvelope::localSeq).containsExactly(4L);
      assertThat(store.heads(KEY)).containsExactly(new Head(much.event().id(), 0));
      assertThat(store.nextHiddenDue()).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldNotShowADuplicateDigestFromAnotherOriginWithALaterTimestamp(Backend backend) {
    try (EventStore store = backend.open(dir)) {
      StoredEvent first = a.next(TOPIC, 100, "same");
      StoredEvent copy = b.next(TOPIC, 200, "same");
      assertThat(copy.digest()).isEqualTo(first.digest());
      store.append(List.of(first));
      AppendResult r = store.append(List.of(copy));
      assertThat(r.inserted()).containsExactly(true);
      assertThat(r.visible()).isEmpty();
      assertThat(queryAll(store)).containsExactly(first.envelope());
      assertThat(store.readAfter(0, null, 10)).extracting(StoredEnvelope::localSeq).containsExactly(1L);
      assertThat(store.existingIds(List.of(copy.event().id()))).hasSize(1);
      assertThat(store.heads(TOPIC)).containsExactly(copy.event().id());
      assertThat(store.vector()).containsEntry(b.key(), new OriginProgress(1, 1));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldLetASmallerTimestampTakeOverTheDigestWithAFreshLocalSequence(Backend backend) {
    try (EventStore store = backend.open(dir)) {
      StoredEvent later = a.next(TOPIC, 200, "same");
      StoredEvent other = a.next(TOPIC, 300, "other");
      StoredEvent earlier = b.next(TOPIC, 100, "same");
      store.append(List.of(later, other));
      AppendResult r = store.append(List.of(earlier));
      assertThat(r.visible()).containsExactly(new StoredEnvelope(3, earlier.envelope()));
      assertThat(queryAll(store)).containsExactly(earlier.envelope(), other.envelope());
      assertThat(store.readAfter(0, null, 10)).extracting(StoredEnvelope::localSeq).containsExactly(2L, 3L);
      assertThat(store.existingDigests(List.of(later.digest()))).containsExactly(later.digest());
      assertThat(store.writerState(b.bytes())).isEqualTo(new WriterState(1, 3));
    }
    try (EventStore store = backend.open(dir)) {
      assertThat(store.writerState(a.bytes())).isEqualTo(new WriterState(2, 3));
      assertThat(store.append(List.of(a.next(TOPIC, 400, "after restart"))).visible())
          .extracting(StoredEnvelope::localSeq).containsExactly(4L);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldBreakTimestampTiesByTheSmallerIdWhateverTheArrivalOrder(Backend backend) {
    try (EventStore store = backend.open(dir)) {
      for (String topic : List.of("/xmtp/0/tie-1/proto", "/xmtp/0/tie-2/proto", "/xmtp/0/tie-3/proto")) {
        StoredEvent x = a.child(topic, 50, "tie", List.of());
        StoredEvent y = b.child(topic, 50, "tie", List.of());
        boolean xSmaller = x.event().id().compareTo(y.event().id()) < 0;
        StoredEvent small = xSmaller ? x : y;
        StoredEvent big = xSmaller ? y : x;
        long before = store.writerState(a.bytes()).lastLocalSeq();
        if (topic.endsWith("1/proto")) {
          assertThat(store.append(List.of(small)).visible()).hasSize(1);
          assertThat(store.append(List.of(big)).visible()).as("the bigger id arrives second").isEmpty();
        } else if (topic.endsWith("2/proto")) {
          assertThat(store.append(List.of(big)).visible()).hasSize(1);
          assertThat(store.append(List.of(small)).visible()).as("the smaller id takes over").hasSize(1);
        } else {
          assertThat(store.append(List.of(big, small)).visible()).as("one batch: only the winner")
              .containsExactly(new StoredEnvelope(before + 1, small.envelope()));
        }
        assertThat(store.existingDigests(List.of(small.digest()))).hasSize(1);
        assertThat(store.query(new EnvelopeQuery(List.of(topic), 0, 0, SortDirection.ASCENDING, null, 10))
            .envelopes()).hasSize(1);
      }
      assertThat(store.readAfter(0, null, 10)).hasSize(3);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldReleaseHiddenEventsByTheSameRepresentativeRule(Backend backend) {
    try (EventStore store = backend.open(dir)) {
      StoredEvent shown = a.next(TOPIC, 200, "same");
      StoredEvent smaller = b.nextHidden(TOPIC, 100, "same", 1_000);
      StoredEvent larger = b.nextHidden(TOPIC, 300, "same", 2_000);
      StoredEvent merge = a.merge(KEY, List.of(larger.event().id()));
      StoredEvent hiddenMerge = new StoredEvent(merge.event(), null, 2_000);
      store.append(List.of(shown, smaller, larger, hiddenMerge));
      assertThat(store.heads(KEY)).containsExactly(new Head(merge.event().id(), 2_000));
      assertThat(store.releaseDue(1_000)).containsExactly(new StoredEnvelope(2, smaller.envelope()));
      assertThat(queryAll(store)).containsExactly(smaller.envelope());
      assertThat(store.releaseDue(2_000)).as("the larger (timestamp, id) stays shadowed").isEmpty();
      assertThat(store.heads(KEY)).containsExactly(new Head(merge.event().id(), 0));
      assertThat(store.nextHiddenDue()).isEmpty();
      assertThat(store.readAfter(0, null, 10)).containsExactly(new StoredEnvelope(2, smaller.envelope()));
      assertThat(store.existingIds(List.of(shown.event().id(), larger.event().id(), merge.event().id())))
          .hasSize(3);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldKeepOnlyTheWinnerVisibleWhenOneBatchTakesOverTwice(Backend backend) {
    try (EventStore store = backend.open(dir)) {
      StoredEvent third = a.child(TOPIC, 300, "same", List.of());
      StoredEvent second = b.child(TOPIC, 200, "same", List.of());
      StoredEvent first = a.child(TOPIC, 100, "same", List.of());
      AppendResult r = store.append(List.of(third, second, first));
      assertThat(r.visible()).as("sequences go to final winners only")
          .containsExactly(new StoredEnvelope(1, first.envelope()));
      assertThat(store.readAfter(0, null, 10)).containsExactly(new StoredEnvelope(1, first.envelope()));
      assertThat(store.heads(KEY)).extracting(Head::id).containsExactlyInAnyOrder(
          List.of(third, second, first).stream().map(e -> e.event().id()).toArray(EventId[]::new));
    }
  }
}
