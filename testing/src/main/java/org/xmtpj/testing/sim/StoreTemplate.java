package org.xmtpj.testing.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.xmtpj.store.EventStore;
import org.xmtpj.store.EventStores;

/**
 * An empty, fully migrated SQLite store, made once per JVM and copied for every new replica: running the Flyway
 * migrations costs ~200 ms per store, a copy a few milliseconds, which matters at hundreds of seeds.
 */
final class StoreTemplate {
  private static final String FILE = "xmtpd.db";
  private static Path template;

  private StoreTemplate() {}

  /** Opens the store in {@code dir}, seeding an empty one from the template. */
  static EventStore open(Path dir) {
    try {
      Files.createDirectories(dir);
      Path db = dir.resolve(FILE);
      if (!Files.exists(db)) {
        Files.copy(template(), db);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return EventStores.sqliteUnsynced(dir);
  }

  private static synchronized Path template() throws IOException {
    if (template == null) {
      Path dir = Files.createTempDirectory(baseDir(), "sim-template-");
      EventStores.sqliteUnsynced(dir).close();
      template = dir.resolve(FILE);
      template.toFile().deleteOnExit();
      dir.toFile().deleteOnExit();
    }
    return template;
  }

  /** tmpfs when there is one (the stores are throwaway and unsynced anyway), else the JVM's temp directory. */
  static Path baseDir() {
    Path shm = Path.of("/dev/shm");
    return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
  }

  /** Deletes a replica directory tree, best effort. */
  static void delete(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: temp files
    }
  }
}
