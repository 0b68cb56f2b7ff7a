package org.xmtpj.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtpj.dag.SortDirection;

/**
 * A PostgreSQL store whose index files were damaged on disk (docs/replication.md §7): writes fail as damage, the
 * node marks it, and the next start rebuilds the indexes from the tables, so the store works again with every
 * event (before, the mark was written and nothing read it: every start failed again on the same pages).
 */
class PostgresStartCheckTest {
  private static final String TOPIC = "/xmtp/0/m-pg-start-check/proto";

  @TempDir
  Path nodeDir;
  @TempDir
  Path pgData;

  private EmbeddedPostgres postgres;
  private final TestOrigin origin = new TestOrigin(new HashMap<>());

  @AfterEach
  void stop() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  private String startPostgres() throws Exception {
    postgres = EmbeddedPostgres.builder().setDataDirectory(pgData).setCleanDataDirectory(false)
        .setOverrideWorkingDirectory(Files.createDirectories(Path.of("target", "embedded-pg")).toFile()).start();
    return "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres?user=postgres";
  }

  private List<StoredEvent> events(int n, int from) {
    List<StoredEvent> batch = new ArrayList<>();
    for (int i = from; i < from + n; i++) {
      batch.add(origin.next(TOPIC, 1_000 + i, "m" + i));
    }
    return batch;
  }

  /**
   * Overwrites the first page of the indexes of {@code events} whose names match {@code like} (PostgreSQL
   * stopped), as bit rot would.
   */
  private void damageEventIndexes(String url, String like) throws Exception {
    List<Path> files = new ArrayList<>();
    try (var c = DriverManager.getConnection(url); var st = c.createStatement();
        var rs = st.executeQuery("SELECT pg_relation_filepath(indexrelid) FROM pg_index i JOIN pg_class x ON "
            + "x.oid = i.indexrelid WHERE indrelid = 'events'::regclass AND x.relname LIKE '" + like + "'")) {
      while (rs.next()) {
        files.add(pgData.resolve(rs.getString(1)));
      }
    }
    assertThat(files).isNotEmpty();
    postgres.close();
    postgres = null;
    byte[] garbage = new byte[8192];
    Arrays.fill(garbage, (byte) 0x5a);
    for (Path f : files) {
      try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.WRITE)) {
        ch.write(java.nio.ByteBuffer.wrap(garbage), 0);
      }
    }
  }

  private List<StoredEvent> storedThenDamaged(String indexes) throws Exception {
    String url = startPostgres();
    List<StoredEvent> stored = events(40, 0);
    try (EventStore store = EventStores.open(url, nodeDir)) {
      store.append(stored);
    }
    damageEventIndexes(url, indexes);
    return stored;
  }

  private void assertWorksWithEverything(String url, List<StoredEvent> stored) {
    try (EventStore store = EventStores.open(url, nodeDir)) {
      List<StoredEvent> more = events(5, 2_000);
      store.append(more);
      assertThat(store.query(new EnvelopeQuery(List.of(TOPIC), 0, 0, SortDirection.ASCENDING, null, 1_000))
          .envelopes()).containsExactlyElementsOf(
              java.util.stream.Stream.concat(stored.stream(), more.stream()).map(StoredEvent::envelope).toList());
    }
  }

  @Test
  void shouldRebuildTheIndexesWhenOpeningTheStoreMeetsDamagedIndexPages() throws Exception {
    List<StoredEvent> stored = storedThenDamaged("%");
    assertWorksWithEverything(startPostgres(), stored);
  }

  /**
   * Damage met while serving (a page that opening does not read) leaves the mark; the start after it rebuilds the
   * indexes even though it opens without error. PostgreSQL gives a rebuilt index a new file ({@code relfilenode}).
   */
  @Test
  void shouldRebuildTheIndexesAtTheNextStartWhenTheStoreWasMarkedDamagedWhileServing() throws Exception {
    String url = startPostgres();
    List<StoredEvent> stored = events(10, 0);
    try (EventStore store = EventStores.open(url, nodeDir)) {
      store.append(stored);
    }
    long before = indexFileNode(url);
    EventStores.markDamaged(nodeDir, "ERROR: invalid page in block 3 of relation base/5/16440 (test)");
    assertWorksWithEverything(url, stored);
    assertThat(indexFileNode(url)).as("events_id rebuilt").isNotEqualTo(before);
    assertThat(EventStores.damageMarker(nodeDir)).as("the mark goes once repaired").doesNotExist();
  }

  @Test
  void shouldLeaveAStoreWithoutTheMarkAsItIs() throws Exception {
    String url = startPostgres();
    try (EventStore store = EventStores.open(url, nodeDir)) {
      store.append(events(3, 0));
    }
    long before = indexFileNode(url);
    try (EventStore store = EventStores.open(url, nodeDir)) {
      assertThat(store.stats().events()).isEqualTo(3);
    }
    assertThat(indexFileNode(url)).as("no REINDEX without the mark").isEqualTo(before);
  }

  private static long indexFileNode(String url) throws Exception {
    try (var c = DriverManager.getConnection(url); var st = c.createStatement();
        var rs = st.executeQuery("SELECT relfilenode FROM pg_class WHERE relname = 'events_id'")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
