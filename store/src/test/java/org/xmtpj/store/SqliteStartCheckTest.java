package org.xmtpj.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtpj.store.EventStores.OnCorrupt;

/** The start-time check of a SQLite file (docs/replication.md §7): refuse in one line, or move aside and start empty. */
class SqliteStartCheckTest {
  @TempDir
  Path dir;

  private List<StoredEvent> fill(int n) {
    TestOrigin origin = new TestOrigin(new HashMap<>());
    List<StoredEvent> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batch.add(origin.next("/xmtp/0/m-start-check/proto", 1_000 + i, "m" + i));
    }
    try (EventStore store = EventStores.sqlite(dir)) {
      store.append(batch);
    }
    return batch;
  }

  private void damageHeader() throws Exception {
    Path db = dir.resolve("xmtpd.db");
    byte[] bytes = Files.readAllBytes(db);
    for (int i = 0; i < 16; i++) {
      bytes[i] ^= 0x5a; // "SQLite format 3\0" no more: not a database
    }
    Files.write(db, bytes);
  }

  @Test
  void shouldRefuseAnUnusableFileWithOneLineNamingCauseAndRemedyAndChangeNothing() throws Exception {
    fill(20);
    damageHeader();
    byte[] before = Files.readAllBytes(dir.resolve("xmtpd.db"));
    assertThatThrownBy(() -> EventStores.sqlite(dir, OnCorrupt.REFUSE)).isInstanceOf(CorruptStoreException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").contains("xmtpd.db").contains("unusable")
            .contains("--on-corrupt-store=rebootstrap"));
    assertThat(Files.readAllBytes(dir.resolve("xmtpd.db"))).isEqualTo(before);
  }

  @Test
  void shouldMoveAnUnusableFileAsideAndStartEmptyWhenToldToRebootstrap() throws Exception {
    fill(20);
    damageHeader();
    try (EventStore store = EventStores.sqlite(dir, OnCorrupt.REBOOTSTRAP)) {
      assertThat(store.stats().events()).isZero();
    }
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("xmtpd.db.corrupt-"));
    }
  }

  @Test
  void shouldRebuildAFileMissingItsLastPagesFromTheRowsStillReadable() throws Exception {
    List<StoredEvent> stored = fill(400);
    Path db = dir.resolve("xmtpd.db");
    byte[] bytes = Files.readAllBytes(db);
    Files.write(db, java.util.Arrays.copyOf(bytes, bytes.length - 2 * 4096));
    try (EventStore store = EventStores.sqlite(dir, OnCorrupt.REFUSE)) {
      assertThat(store.stats().events()).isBetween(1L, (long) stored.size());
      assertThat(store.query(new EnvelopeQuery(List.of("/xmtp/0/m-start-check/proto"), 0, 0,
          org.xmtpj.dag.SortDirection.ASCENDING, null, 1_000)).envelopes()).hasSize((int) store.stats().events())
          .isSubsetOf(stored.stream().map(StoredEvent::envelope).toList());
    }
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("xmtpd.db.corrupt-"));
    }
  }

  @Test
  void shouldRebuildACutOffFileFromItsReadableRowsOrRefuseIt() throws Exception {
    List<StoredEvent> stored = fill(400);
    Path db = dir.resolve("xmtpd.db");
    assertThat(dir.resolve("xmtpd.db-wal")).as("closed: the WAL is in the file").doesNotExist();
    byte[] bytes = Files.readAllBytes(db);
    Files.write(db, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    try (EventStore store = EventStores.sqlite(dir, OnCorrupt.REFUSE)) {
      long kept = store.stats().events();
      assertThat(kept).as("rebuilt from what is readable").isBetween(1L, (long) stored.size());
      assertThat(store.originRange(stored.get(0).event().event().origin() == null ? null
          : new org.xmtpj.dag.OriginKey(stored.get(0).event().event().origin()), 1, 1_000, Long.MAX_VALUE))
          .hasSize((int) kept);
    } catch (CorruptStoreException refused) {
      assertThat(refused.getMessage()).doesNotContain("\n").contains("--on-corrupt-store=rebootstrap");
    }
  }

  /** One flipped bit in an index's CREATE text ("UNIQUE" becomes "UJIQUE"): SQLite refuses every statement. */
  @Test
  void shouldRebuildEveryEventWhenOneFlippedBitBreaksAnIndexDefinitionInTheSchema() throws Exception {
    List<StoredEvent> stored = fill(300);
    Path db = dir.resolve("xmtpd.db");
    byte[] bytes = Files.readAllBytes(db);
    int at = indexOf(bytes, "CREATE UNIQUE INDEX topics_key");
    assertThat(at).as("the index's schema entry is in the file").isPositive();
    bytes[at + "CREATE U".length()] ^= 0x04;
    Files.write(db, bytes);
    try (EventStore store = EventStores.sqlite(dir, OnCorrupt.REFUSE)) {
      assertThat(store.stats().events()).isEqualTo(stored.size());
      assertThat(store.query(new EnvelopeQuery(List.of("/xmtp/0/m-start-check/proto"), 0, 0,
          org.xmtpj.dag.SortDirection.ASCENDING, null, 1_000)).envelopes())
          .isEqualTo(stored.stream().map(StoredEvent::envelope).toList());
    }
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("xmtpd.db.corrupt-"));
    }
  }

  private static int indexOf(byte[] haystack, String needle) {
    byte[] n = needle.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    outer:
    for (int i = 0; i + n.length <= haystack.length; i++) {
      for (int j = 0; j < n.length; j++) {
        if (haystack[i + j] != n[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
