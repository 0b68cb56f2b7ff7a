package org.xmtpj.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.nio.file.Files;
import java.nio.file.Path;
import org.xmtpj.node.checkpoint.StateJournal;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.state.CheckpointState;
import org.xmtpj.dag.state.CutSource;

/**
 * Checkpoint root computation per epoch (issue 6): {@link CheckpointState#advance} over a network that already has
 * {@code --base-topics} topics (default 1,000,000), for epochs in which 10, 1,000 and 100,000 topics gain one event
 * each. The events come from an in-memory source, so the figure is the cut rule, the heads bookkeeping and the
 * state tree's rehash; reading the events from the store is not included (see the section's note).
 */
final class StateRoot {
  private static final int ORIGINS = 4;
  private static final int WARMUP = 5;

  private StateRoot() {}

  /** The events of the network, per origin, as a store would serve them. */
  static final class Memory implements CutSource {
    final Map<OriginKey, List<CutEvent>> byOrigin = new HashMap<>();

    void add(CutEvent e) {
      byOrigin.computeIfAbsent(e.origin(), o -> new ArrayList<>()).add(e);
    }

    @Override
    public Set<OriginKey> origins() {
      return byOrigin.keySet();
    }

    @Override
    public long contiguous(OriginKey origin) {
      return byOrigin.getOrDefault(origin, List.of()).size();
    }

    @Override
    public List<CutEvent> after(OriginKey origin, long afterSeq, int max) {
      List<CutEvent> all = byOrigin.getOrDefault(origin, List.of());
      int from = (int) Math.min(afterSeq, all.size());
      return all.subList(from, Math.min(all.size(), from + max));
    }

    @Override
    public Map<EventId, Position> positions(Collection<EventId> ids) {
      return Map.of(); // every parent is in an earlier cut: nothing to lower
    }
  }

  static void run(Options o, Section s) {
    int base = o.intValue("base-topics", 1_000_000);
    int epochs = o.intValue("epochs", 7);
    List<Integer> sizes = List.of(10, 1_000, 100_000);
    s.parameter("base topics", String.format("%,d (one event each, then one epoch that includes them all)", base))
        .parameter("epochs measured per size", epochs + " (after " + WARMUP + " unmeasured warm-up epochs)")
        .parameter("origins", ORIGINS);
    Random random = new Random(1);
    Memory source = new Memory();
    byte[][] topics = new byte[base][];
    Map<EventId, EventId> lastOfTopic = new HashMap<>();
    long[] seq = new long[ORIGINS];
    OriginKey[] origins = new OriginKey[ORIGINS];
    for (int i = 0; i < ORIGINS; i++) {
      origins[i] = new OriginKey(bytes(random));
    }
    EventId[] heads = new EventId[base];
    for (int t = 0; t < base; t++) {
      topics[t] = bytes(random);
      heads[t] = addEvent(source, origins, seq, t % ORIGINS, topics[t], null, 0, random);
    }
    CheckpointState state = new CheckpointState();
    long t0 = System.nanoTime();
    state.advance(source, 1);
    s.result("initial epoch (all base topics)", String.format("%.2f s", (System.nanoTime() - t0) / 1e9));
    long boundary = 1;
    CheckpointState.Advance last = null;
    for (int changed : sizes) {
      long[] took = new long[epochs];
      for (int e = -WARMUP; e < epochs; e++) {
        boundary++;
        for (int i = 0; i < changed; i++) {
          int t = random.nextInt(base);
          heads[t] = addEvent(source, origins, seq, i % ORIGINS, topics[t], heads[t], boundary - 1, random);
        }
        long start = System.nanoTime();
        CheckpointState.Advance a = state.advance(source, boundary);
        long ns = System.nanoTime() - start;
        last = a;
        if (a.newEvents() != changed) {
          throw new IllegalStateException("expected " + changed + " new events, the cut took " + a.newEvents());
        }
        if (e >= 0) {
          took[e] = ns;
        }
      }
      Arrays.sort(took);
      s.result(String.format("%,d changed topics", changed), String.format(
          "median %s ms, min %s ms, max %s ms per epoch (%.2f µs per changed topic)", Section.ms(took[epochs / 2]),
          Section.ms(took[0]), Section.ms(took[epochs - 1]), took[epochs / 2] / 1e3 / changed));
    }
    s.note("The in-memory source hands the events over without I/O; a node adds the store reads of the epoch's"
        + " new events (one origin range scan per origin) to these figures.");
    journal(s, state, last, boundary, source, origins, seq, topics, heads, random);
  }

  /** The saved state (StateJournal): one full write, one 1,000-topic delta, and the load a restart does. */
  private static void journal(Section s, CheckpointState state, CheckpointState.Advance last, long boundary,
      Memory source, OriginKey[] origins, long[] seq, byte[][] topics, EventId[] heads, Random random) {
    try {
      Path dir = Files.createTempDirectory("state-journal-");
      Path file = dir.resolve("state.journal");
      StateJournal journal = new StateJournal(file);
      long t0 = System.nanoTime();
      journal.append(boundary, boundary, last);
      long fullNs = System.nanoTime() - t0;
      long fullBytes = Files.size(file);
      for (int i = 0; i < 1_000; i++) {
        int t = random.nextInt(topics.length);
        heads[t] = addEvent(source, origins, seq, i % ORIGINS, topics[t], heads[t], boundary, random);
      }
      CheckpointState.Advance next = state.advance(source, boundary + 1);
      t0 = System.nanoTime();
      journal.append(boundary + 1, boundary + 1, next);
      long deltaNs = System.nanoTime() - t0;
      long deltaBytes = Files.size(file) - fullBytes;
      t0 = System.nanoTime();
      StateJournal.Restored restored = new StateJournal(file).load().orElseThrow(() ->
          new IllegalStateException("the journal did not load"));
      long loadNs = System.nanoTime() - t0;
      if (!Arrays.equals(restored.state().root(), state.root())) {
        throw new IllegalStateException("the loaded state has another root");
      }
      s.result("saved state: whole state written (at start, and when deltas outgrow it)", String.format(
          "%s ms, %,d bytes, fsync'd", Section.ms(fullNs), fullBytes));
      s.result("saved state: one epoch's delta (1,000 changed topics)", String.format("%s ms, %,d bytes, fsync'd",
          Section.ms(deltaNs), deltaBytes));
      s.result("restart: state loaded from the journal (root re-checked)", String.format("%s ms for %,d topics",
          Section.ms(loadNs), restored.state().topics()));
      Files.deleteIfExists(file);
      Files.deleteIfExists(dir);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static EventId addEvent(Memory source, OriginKey[] origins, long[] seq, int o, byte[] topic,
      EventId parent, long createdAtMs, Random random) {
    EventId id = new EventId(bytes(random));
    seq[o]++;
    source.add(new CutSource.CutEvent(id, origins[o], seq[o], createdAtMs, topic,
        parent == null ? List.of() : List.of(parent)));
    return id;
  }

  private static byte[] bytes(Random random) {
    byte[] b = new byte[32];
    random.nextBytes(b);
    return b;
  }
}
