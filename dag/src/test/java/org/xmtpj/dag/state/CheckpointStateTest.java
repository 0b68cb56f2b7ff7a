package org.xmtpj.dag.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.xmtpj.crypto.state.StateHashes;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.TopicKey;

class CheckpointStateTest {
  private static final OriginKey A = origin(1);
  private static final OriginKey B = origin(2);
  private static final OriginKey C = origin(3);
  private static final byte[] T1 = topic(1);
  private static final byte[] T2 = topic(2);
  private final Random random = new Random(7);

  private static OriginKey origin(int b) {
    byte[] k = new byte[32];
    k[0] = (byte) b;
    return new OriginKey(k);
  }

  private static byte[] topic(int b) {
    byte[] k = new byte[32];
    k[1] = (byte) b;
    return k;
  }

  /** A node's store, as the cut rule sees it. */
  static final class Store implements CutSource {
    final Map<OriginKey, TreeMap<Long, CutEvent>> byOrigin = new HashMap<>();
    final Map<EventId, CutEvent> byId = new HashMap<>();
    final Map<OriginKey, Long> floors = new HashMap<>();

    Store add(CutEvent e) {
      byOrigin.computeIfAbsent(e.origin(), o -> new TreeMap<>()).put(e.seq(), e);
      byId.put(e.id(), e);
      return this;
    }

    @Override
    public Set<OriginKey> origins() {
      return byOrigin.keySet();
    }

    @Override
    public long contiguous(OriginKey origin) {
      long s = floors.getOrDefault(origin, 0L); // everything up to the floor is stored or was pruned
      while (byOrigin.getOrDefault(origin, new TreeMap<>()).containsKey(s + 1)) {
        s++;
      }
      return s;
    }

    @Override
    public List<CutEvent> after(OriginKey origin, long afterSeq, int max) {
      return byOrigin.getOrDefault(origin, new TreeMap<>()).tailMap(afterSeq, false).values().stream().limit(max)
          .toList();
    }

    @Override
    public Map<EventId, Position> positions(Collection<EventId> ids) {
      Map<EventId, Position> out = new HashMap<>();
      ids.forEach(id -> {
        CutEvent e = byId.get(id);
        if (e != null) {
          out.put(id, new Position(e.origin(), e.seq()));
        }
      });
      return out;
    }
  }

  private CutSource.CutEvent event(OriginKey o, long seq, long ts, byte[] topic, CutSource.CutEvent... parents) {
    byte[] id = new byte[32];
    random.nextBytes(id);
    List<EventId> ps = new ArrayList<>();
    for (CutSource.CutEvent p : parents) {
      ps.add(p.id());
    }
    return new CutSource.CutEvent(new EventId(id), o, seq, ts, topic, ps);
  }

  private static byte[] rootOf(Map<byte[], List<CutSource.CutEvent>> headsByTopic) {
    StateTree<Object> t = StateTree.empty();
    for (var e : headsByTopic.entrySet()) {
      t = t.with(e.getKey(), StateHashes.topicHeads(e.getValue().stream().map(x -> x.id().bytes()).toList()), null);
    }
    return t.root();
  }

  @Test
  void shouldTakeEachOriginsPrefixCreatedBeforeTheBoundaryAndCommitToTheTopicsHeads() {
    var a1 = event(A, 1, 100, T1);
    var a2 = event(A, 2, 200, T1, a1);
    var a3 = event(A, 3, 1_000, T1, a2);
    var b1 = event(B, 1, 150, T1, a1);
    var b2 = event(B, 2, 300, T2);
    Store store = new Store().add(a1).add(a2).add(a3).add(b1).add(b2);
    CheckpointState state = new CheckpointState();

    CheckpointState.Advance adv = state.advance(store, 500);

    assertThat(adv.cut().watermarks()).containsExactlyInAnyOrderEntriesOf(Map.of(A, 2L, B, 2L));
    assertThat(adv.newEvents()).isEqualTo(4);
    assertThat(adv.changedTopics()).isEqualTo(2);
    assertThat(state.heads(T1).orElseThrow()).containsExactlyInAnyOrder(a2.id(), b1.id());
    assertThat(adv.root()).isEqualTo(rootOf(Map.of(T1, List.of(a2, b1), T2, List.of(b2))));
    assertThat(adv.cutHash()).isEqualTo(new Cut(Map.of(A, 2L, B, 2L)).hash());
  }

  @Test
  void shouldEndAPrefixAtTheFirstLateEventOrAtAGapEvenIfLaterEventsLookEarlier() {
    var a1 = event(A, 1, 100, T1);
    var a2 = event(A, 2, 600, T1, a1);
    var a3 = event(A, 3, 150, T1, a2); // the origin's clock stepped back: still after a2 in the prefix
    var b1 = event(B, 1, 100, T2);
    var b3 = event(B, 3, 100, T2); // b2 has not arrived
    Store store = new Store().add(a1).add(a2).add(a3).add(b1).add(b3);

    Cut cut = new CheckpointState().advance(store, 500).cut();

    assertThat(cut.watermarks()).containsExactlyInAnyOrderEntriesOf(Map.of(A, 1L, B, 1L));
  }

  @Test
  void shouldLowerWatermarksUntilEveryIncludedEventHasItsParentsIncluded() {
    var b1 = event(B, 1, 900, T1); // B's clock runs ahead: created "after" the boundary
    var a1 = event(A, 1, 100, T1);
    var a2 = event(A, 2, 200, T1, a1, b1); // A saw b1 before the boundary by A's clock
    var c1 = event(C, 1, 300, T1, a2);
    var c2 = event(C, 2, 310, T2);
    Store store = new Store().add(b1).add(a1).add(a2).add(c1).add(c2);

    CheckpointState.Advance adv = new CheckpointState().advance(store, 500);

    assertThat(adv.cut().watermarks()).as("a2 needs b1; c1 needs a2; c2 goes with c1 (a prefix)")
        .containsExactlyInAnyOrderEntriesOf(Map.of(A, 1L));
    assertThat(adv.root()).isEqualTo(rootOf(Map.of(T1, List.of(a1))));
  }

  @Test
  void shouldGiveTwoNodesWithTheSameDataBeforeTheBoundaryTheSameCutAndRoot() {
    var a1 = event(A, 1, 100, T1);
    var b1 = event(B, 1, 120, T1, a1);
    var a2 = event(A, 2, 130, T2);
    var late = event(B, 2, 700, T1, b1);
    Store one = new Store().add(a1).add(b1).add(a2);
    Store other = new Store().add(a2).add(late).add(b1).add(a1); // other order, and an event past the boundary

    var x = new CheckpointState().advance(one, 500);
    var y = new CheckpointState().advance(other, 500);

    assertThat(y.cutHash()).isEqualTo(x.cutHash());
    assertThat(y.root()).isEqualTo(x.root());
    var lagging = new CheckpointState().advance(new Store().add(a1).add(a2), 500);
    assertThat(lagging.root()).as("a node missing b1 disagrees until it catches up").isNotEqualTo(x.root());
  }

  /** 600 events of three origins over 40 topics, each linked to the topic's previous event, created 10 ms apart. */
  private Store randomStore() {
    Store store = new Store();
    Map<OriginKey, Long> seqs = new HashMap<>();
    List<CutSource.CutEvent> all = new ArrayList<>();
    Map<String, CutSource.CutEvent> lastInTopic = new HashMap<>();
    OriginKey[] origins = {A, B, C};
    for (int i = 0; i < 600; i++) {
      OriginKey o = origins[random.nextInt(3)];
      byte[] t = topic(random.nextInt(40));
      long seq = seqs.merge(o, 1L, Long::sum);
      String tk = java.util.HexFormat.of().formatHex(t);
      CutSource.CutEvent parent = lastInTopic.get(tk);
      var e = parent == null ? event(o, seq, i * 10L, t) : event(o, seq, i * 10L, t, parent);
      lastInTopic.put(tk, e);
      all.add(e);
    }
    Collections.shuffle(all, random);
    all.forEach(store::add);
    return store;
  }

  @Test
  void shouldReachTheSameRootIncrementallyAsInOneStep() {
    Store store = randomStore();

    CheckpointState stepwise = new CheckpointState();
    for (long boundary = 500; boundary <= 6_000; boundary += 500) {
      stepwise.advance(store, boundary);
    }
    CheckpointState.Advance once = new CheckpointState().advance(store, 6_000);

    assertThat(stepwise.cut()).isEqualTo(once.cut());
    assertThat(stepwise.root()).isEqualTo(once.root());
    assertThat(once.cut().events()).isEqualTo(600);
  }

  @Test
  void shouldGoOnFromARestoredStateAsFromTheOriginalEvenWhenTheEventsBelowItsCutArePruned() {
    Store full = randomStore();
    CheckpointState original = new CheckpointState();
    original.advance(full, 3_000);
    Map<TopicKey, List<EventId>> heads = new HashMap<>();
    original.tree().forEachLeaf((topic, h) -> heads.put(new TopicKey(topic), h));
    CheckpointState restored = CheckpointState.restore(original.cut(), heads);
    assertThat(restored.root()).isEqualTo(original.root());
    assertThat(restored.topics()).isEqualTo(original.topics());
    Store pruned = new Store();
    full.byId.values().stream().filter(e -> !original.cut().contains(e.origin(), e.seq())).forEach(pruned::add);
    pruned.floors.putAll(original.cut().watermarks());

    CheckpointState.Advance fromEvents = original.advance(full, 6_000);
    CheckpointState.Advance fromSaved = restored.advance(pruned, 6_000);

    assertThat(fromSaved.cut()).isEqualTo(fromEvents.cut());
    assertThat(fromSaved.root()).isEqualTo(fromEvents.root());
    assertThat(fromSaved.changedHeads()).isEqualTo(fromEvents.changedHeads()).isNotEmpty();
    assertThat(new CheckpointState().advance(pruned, 6_000).root())
        .as("without the saved state, a pruned store cannot give the root").isNotEqualTo(fromEvents.root());
  }

  @Test
  void shouldReportTheNewHeadsOfExactlyTheTopicsThatChanged() {
    var a1 = event(A, 1, 100, T1);
    var a2 = event(A, 2, 200, T2);
    var b1 = event(B, 1, 600, T1, a1);
    Store store = new Store().add(a1).add(a2).add(b1);
    CheckpointState state = new CheckpointState();

    assertThat(state.advance(store, 500).changedHeads()).containsOnlyKeys(new TopicKey(T1), new TopicKey(T2));
    CheckpointState.Advance second = state.advance(store, 1_000);

    assertThat(second.changedHeads()).containsExactly(Map.entry(new TopicKey(T1), List.of(b1.id())));
  }
}
