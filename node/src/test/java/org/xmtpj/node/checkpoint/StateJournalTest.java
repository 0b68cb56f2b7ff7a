package org.xmtpj.node.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.state.CheckpointState;
import org.xmtpj.dag.state.CutSource;

class StateJournalTest {
  private static final OriginKey ORIGIN = new OriginKey(new byte[32]);
  @TempDir
  Path dir;
  private final Random random = new Random(5);
  private final Source source = new Source();

  /** One origin writing to {@code topics} topics, each event linked to its topic's previous one, 10 ms apart. */
  private final class Source implements CutSource {
    final List<CutEvent> events = new ArrayList<>();
    final Map<Integer, CutEvent> lastInTopic = new HashMap<>();

    void write(int count, int topics) {
      for (int i = 0; i < count; i++) {
        int t = random.nextInt(topics);
        byte[] topic = new byte[32];
        topic[0] = (byte) (t >> 8);
        topic[1] = (byte) t;
        byte[] id = new byte[32];
        random.nextBytes(id);
        CutEvent parent = lastInTopic.get(t);
        long seq = events.size() + 1;
        CutEvent e = new CutEvent(new EventId(id), ORIGIN, seq, seq * 10, topic,
            parent == null ? List.of() : List.of(parent.id()));
        lastInTopic.put(t, e);
        events.add(e);
      }
    }

    long end() {
      return events.size() * 10L + 1;
    }

    @Override
    public Set<OriginKey> origins() {
      return events.isEmpty() ? Set.of() : Set.of(ORIGIN);
    }

    @Override
    public long contiguous(OriginKey origin) {
      return events.size();
    }

    @Override
    public List<CutEvent> after(OriginKey origin, long afterSeq, int max) {
      return events.subList((int) afterSeq, (int) Math.min(events.size(), afterSeq + max));
    }

    @Override
    public Map<EventId, Position> positions(Collection<EventId> ids) {
      Map<EventId, Position> out = new HashMap<>();
      events.stream().filter(e -> ids.contains(e.id())).forEach(e -> out.put(e.id(), new Position(ORIGIN, e.seq())));
      return out;
    }
  }

  /** Advances the state over {@code count} new events and journals the epoch. */
  private CheckpointState.Advance epoch(CheckpointState state, StateJournal journal, long epoch, int count) {
    source.write(count, 300);
    CheckpointState.Advance a = state.advance(source, source.end());
    journal.append(epoch, source.end(), a);
    return a;
  }

  @Test
  void shouldRestoreTheStateOfTheLastEpochWrittenAndGoOnFromItAsTheOriginalDoes() {
    Path file = dir.resolve("state.journal");
    StateJournal journal = new StateJournal(file);
    CheckpointState state = new CheckpointState();
    for (long e = 1; e <= 5; e++) {
      epoch(state, journal, e, 200);
    }

    StateJournal.Restored restored = new StateJournal(file).load().orElseThrow();

    assertThat(restored.epoch()).isEqualTo(5);
    assertThat(restored.boundaryMs()).isEqualTo(source.end());
    assertThat(restored.state().cut()).isEqualTo(state.cut());
    assertThat(restored.state().root()).isEqualTo(state.root());
    source.write(100, 300);
    assertThat(restored.state().advance(source, source.end()).root())
        .isEqualTo(state.advance(source, source.end()).root());
  }

  @Test
  void shouldCutATornTailAndKeepTheRecordsBeforeIt() throws IOException {
    Path file = dir.resolve("state.journal");
    StateJournal journal = new StateJournal(file);
    CheckpointState state = new CheckpointState();
    epoch(state, journal, 1, 200);
    CheckpointState.Advance second = epoch(state, journal, 2, 200);
    epoch(state, journal, 3, 200);
    long size = Files.size(file);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(size - 5); // a crash in the middle of writing epoch 3
    }

    StateJournal reopened = new StateJournal(file);
    StateJournal.Restored restored = reopened.load().orElseThrow();

    assertThat(restored.epoch()).isEqualTo(2);
    assertThat(restored.state().root()).isEqualTo(second.root());
    assertThat(Files.size(file)).as("the torn record is gone").isLessThan(size - 5);
    CheckpointState.Advance again = restored.state().advance(source, source.end());
    reopened.append(3, source.end(), again);
    assertThat(new StateJournal(file).load().orElseThrow().state().root()).isEqualTo(state.root());
  }

  @Test
  void shouldSetAsideAJournalWhoseFirstRecordIsCorrupt() throws IOException {
    Path file = dir.resolve("state.journal");
    StateJournal journal = new StateJournal(file);
    CheckpointState state = new CheckpointState();
    epoch(state, journal, 1, 200);
    byte[] bytes = Files.readAllBytes(file);
    bytes[40] ^= 1;
    Files.write(file, bytes);

    StateJournal reopened = new StateJournal(file);

    assertThat(reopened.load()).isEmpty();
    assertThat(file).doesNotExist();
    assertThat(dir.resolve("state.journal.bad")).exists();
    CheckpointState.Advance next = epoch(state, reopened, 2, 10);
    assertThat(new StateJournal(file).load().orElseThrow().state().root()).as("the next epoch starts a new file")
        .isEqualTo(next.root());
  }

  @Test
  void shouldRewriteTheWholeStateWhenTheDeltasOutgrowIt() throws IOException {
    Path file = dir.resolve("state.journal");
    StateJournal journal = new StateJournal(file, 0);
    CheckpointState state = new CheckpointState();
    long largest = 0;
    for (long e = 1; e <= 40; e++) {
      epoch(state, journal, e, 100);
      largest = Math.max(largest, Files.size(file));
    }
    long full = 8 + 8 + 8 + 32 + 4 + 40 + 4 + state.topics() * (32 + 4 + 32L);

    assertThat(largest).as("never more than the whole state three times over").isLessThan(3 * full + 4 * 1024);
    StateJournal.Restored restored = new StateJournal(file).load().orElseThrow();
    assertThat(restored.epoch()).isEqualTo(40);
    assertThat(restored.state().root()).isEqualTo(state.root());
  }

  @Test
  void shouldRewriteTheWholeStateAfterAFailedWrite() throws IOException {
    Path file = dir.resolve("state.journal");
    StateJournal journal = new StateJournal(file);
    CheckpointState state = new CheckpointState();
    epoch(state, journal, 1, 200);
    Files.delete(file);
    epoch(state, journal, 2, 200); // the delta has nowhere to go: logged, and the next write is whole

    assertThat(file).doesNotExist();
    epoch(state, journal, 3, 200);

    StateJournal.Restored restored = new StateJournal(file).load().orElseThrow();
    assertThat(restored.epoch()).isEqualTo(3);
    assertThat(restored.state().root()).isEqualTo(state.root());
    assertThat(restored.state().cut()).isEqualTo(state.cut());
  }

  @Test
  void shouldFindNothingWithoutAFileAndSetAsideAFileThatIsNotAJournal() throws IOException {
    Path file = dir.resolve("state.journal");
    assertThat(new StateJournal(file).load()).isEmpty();
    Files.writeString(file, "not a journal");

    assertThat(new StateJournal(file).load()).isEmpty();
    assertThat(dir.resolve("state.journal.bad")).hasContent("not a journal");
  }
}
