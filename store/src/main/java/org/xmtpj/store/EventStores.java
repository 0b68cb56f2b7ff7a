package org.xmtpj.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;

/** Opens the store a node is configured with: SQLite in the data directory by default, or PostgreSQL. */
public final class EventStores {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EventStores.class);
  private static final int READ_POOL_SIZE = 8;
  /** The writer's own checkpoint, the bound on the WAL (100 MiB of 4 KiB pages); see SqliteCheckpointer. */
  private static final int SQLITE_WRITER_AUTOCHECKPOINT_PAGES = 25_000;

  private EventStores() {}

  /**
   * What to do with a SQLite file the start-time check finds unusable (one that is damaged but readable is always
   * rebuilt from what it still holds): {@code --on-corrupt-store}.
   */
  public enum OnCorrupt {
    /** Refuse to start, with one line naming the cause and the remedy (the default: the operator decides). */
    REFUSE,
    /** Move the file aside ({@code xmtpd.db.corrupt-<time>}) and start empty: bootstrap copies it from peers. */
    REBOOTSTRAP;

    /** {@code refuse} or {@code rebootstrap}, as the flag spells it. */
    public static OnCorrupt parse(String value) {
      for (OnCorrupt o : values()) {
        if (o.name().equalsIgnoreCase(value.trim())) {
          return o;
        }
      }
      throw new IllegalArgumentException("store.onCorrupt must be refuse or rebootstrap, was '" + value + "'");
    }
  }

  /** The file that says the store reported damage while serving; the next start checks it in full. */
  public static Path damageMarker(Path dataDir) {
    return dataDir.resolve("xmtpd.db.damaged");
  }

  /**
   * Records, durably, that the store in {@code dataDir} reported damage while serving (a
   * {@link StoreDamagedException}), so that the next start runs the full check and rebuilds what it finds damaged,
   * however large the file. Idempotent: the first cause is kept.
   */
  public static void markDamaged(Path dataDir, String cause) {
    Path marker = damageMarker(dataDir);
    try {
      if (!Files.exists(marker)) {
        Path tmp = marker.resolveSibling(marker.getFileName() + ".tmp");
        Files.writeString(tmp, java.time.Instant.now() + " " + cause.replaceAll("\\s+", " ") + "\n");
        try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
          ch.force(true);
        }
        Files.move(tmp, marker, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (java.io.IOException e) {
      throw new StoreException("marking the store in " + dataDir + " as damaged", e);
    }
  }

  /** SQLite file {@code xmtpd.db} in {@code dataDir}; an unusable file refuses to open. */
  public static EventStore sqlite(Path dataDir) {
    return sqlite(dataDir, OnCorrupt.REFUSE);
  }

  /**
   * SQLite file {@code xmtpd.db} in {@code dataDir}, checked first ({@code PRAGMA quick_check}): a damaged file is
   * rebuilt from its readable rows, an unusable one handled as {@code onCorrupt} says.
   *
   * @throws CorruptStoreException if the file is unusable and {@code onCorrupt} is {@link OnCorrupt#REFUSE}
   */
  public static EventStore sqlite(Path dataDir, OnCorrupt onCorrupt) {
    String url = sqliteUrl(dataDir);
    Properties props = sqliteProperties(SQLiteConfig.SynchronousMode.FULL);
    new SqliteRecovery(dataDir.resolve("xmtpd.db"), props, onCorrupt, java.time.Clock.systemUTC(),
        fresh -> open(SqlDialect.SQLITE, fresh, props, null)).checkAndRepair();
    return open(SqlDialect.SQLITE, url, props, null);
  }

  /**
   * SQLite as {@link #sqlite}, but with {@code synchronous=OFF}: commits are NOT durable (an OS crash or power
   * loss can lose acknowledged appends or corrupt the file). For the deterministic network simulator only, which
   * runs many nodes in one process and never survives a crash; a node never uses it. Same schema and code path.
   */
  public static EventStore sqliteUnsynced(Path dataDir) {
    return open(SqlDialect.SQLITE, sqliteUrl(dataDir), sqliteProperties(SQLiteConfig.SynchronousMode.OFF), null);
  }

  private static String sqliteUrl(Path dataDir) {
    try {
      Files.createDirectories(dataDir);
    } catch (java.io.IOException e) {
      throw new StoreException("creating data directory " + dataDir, e);
    }
    return "jdbc:sqlite:" + dataDir.resolve("xmtpd.db").toAbsolutePath();
  }

  /** A JDBC URL: {@code jdbc:postgresql:…} or {@code jdbc:sqlite:…}. */
  public static EventStore open(String jdbcUrl) {
    return open(jdbcUrl, null);
  }

  /**
   * A JDBC URL, for a node whose data directory is {@code dataDir} (null: none): a PostgreSQL store that reported
   * damage while serving ({@link #markDamaged}) has its indexes rebuilt before it opens ({@link PostgresRecovery}).
   */
  public static EventStore open(String jdbcUrl, Path dataDir) {
    if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      return openPostgres(jdbcUrl, dataDir);
    }
    if (jdbcUrl.startsWith("jdbc:sqlite:")) {
      return open(SqlDialect.SQLITE, jdbcUrl, sqliteProperties(SQLiteConfig.SynchronousMode.FULL), null);
    }
    throw new IllegalArgumentException("unsupported database URL (expected jdbc:postgresql: or jdbc:sqlite:): "
        + jdbcUrl.replaceAll("password=[^&]*", "password=***"));
  }

  /**
   * Opens a PostgreSQL store; if opening meets damage (loading the state reads through the indexes), rebuilds the
   * indexes once and opens again, so that index damage found at start is repaired rather than fatal.
   */
  private static EventStore openPostgres(String url, Path dataDir) {
    try {
      return open(SqlDialect.POSTGRESQL, url, new Properties(), dataDir);
    } catch (StoreException e) {
      if (e instanceof CorruptStoreException || !StoreException.isDamage(e)) {
        throw e;
      }
      String shown = url.replaceAll("password=[^&]*", "password=***");
      try (Connection c = DriverManager.getConnection(url)) {
        PostgresRecovery.reindex(c, shown, "opening it met damage (" + rootMessage(e) + ")",
            dataDir == null ? null : damageMarker(dataDir));
      } catch (SQLException connect) {
        throw new StoreException("opening store at " + shown, connect);
      }
      try {
        return open(SqlDialect.POSTGRESQL, url, new Properties(), dataDir);
      } catch (StoreException again) {
        throw StoreException.isDamage(again) ? PostgresRecovery.unusable(shown, rootMessage(again), null) : again;
      }
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null) {
      c = c.getCause();
    }
    return String.valueOf(c.getMessage()).replaceAll("\\s+", " ");
  }

  private static EventStore open(SqlDialect dialect, String url, Properties props, Path dataDir) {
    HikariDataSource readers = null;
    Connection writer = null;
    try {
      writer = DriverManager.getConnection(url, props);
      migrate(dialect, url, props);
      if (dialect == SqlDialect.POSTGRESQL) {
        requireDurableCommits(writer);
        if (dataDir != null) {
          PostgresRecovery.repairIfMarked(writer, dataDir, url.replaceAll("password=[^&]*", "password=***"));
        }
      } else {
        try (var st = writer.createStatement()) {
          st.execute("PRAGMA wal_autocheckpoint=" + SQLITE_WRITER_AUTOCHECKPOINT_PAGES);
        }
      }
      writer.setAutoCommit(false);
      readers = readPool(url, props);
      if (dialect == SqlDialect.SQLITE) {
        HikariDataSource pool = readers;
        SqliteCheckpointer checkpointer = new SqliteCheckpointer(url, props);
        try {
          return new JdbcEventStore(dialect, writer, readers, () -> {
            checkpointer.close();
            pool.close();
          });
        } catch (RuntimeException e) {
          checkpointer.close();
          throw e;
        }
      }
      return new JdbcEventStore(dialect, writer, readers, readers);
    } catch (SQLException | RuntimeException e) {
      if (readers != null) {
        readers.close();
      }
      closeQuietly(writer, e);
      if (e instanceof CorruptStoreException unusable) {
        throw unusable; // already one line with cause and remedy
      }
      throw new StoreException("opening store at " + url.replaceAll("password=[^&]*", "password=***"), e);
    }
  }

  private static void closeQuietly(Connection writer, Exception cause) {
    if (writer == null) {
      return;
    }
    try {
      writer.close();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  /**
   * An acknowledged publish must be on disk, whatever the server's defaults: the writer's session commits
   * synchronously, and a server running with fsync off is reported loudly.
   */
  private static void requireDurableCommits(Connection writer) throws SQLException {
    try (var st = writer.createStatement()) {
      st.execute("SET synchronous_commit TO on");
      try (var rs = st.executeQuery("SHOW fsync")) {
        if (rs.next() && !"on".equalsIgnoreCase(rs.getString(1))) {
          LOG.warn("PostgreSQL runs with fsync={}: acknowledged publishes are NOT crash-safe on this server",
              rs.getString(1));
        }
      }
    }
  }

  private static void migrate(SqlDialect dialect, String url, Properties props) {
    Flyway.configure()
        .dataSource(url, props.getProperty("user"), props.getProperty("password"))
        .locations(dialect.migrationLocation())
        .loggers("slf4j")
        .load()
        .migrate();
  }

  private static HikariDataSource readPool(String url, Properties props) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setDataSourceProperties(props);
    config.setMaximumPoolSize(READ_POOL_SIZE);
    config.setPoolName("store-readers");
    config.setAutoCommit(true);
    return new HikariDataSource(config);
  }

  /**
   * WAL so readers never block the writer; synchronous=FULL so a commit is on disk before it returns. Random-key
   * index inserts dirty one page per row per index; a background {@link SqliteCheckpointer} does checkpoints
   * ahead of the writer's own (rare) automatic one, and the cache holds the index working set.
   */
  private static Properties sqliteProperties(SQLiteConfig.SynchronousMode synchronous) {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(synchronous);
    config.setBusyTimeout(10_000);
    config.setCacheSize(-262_144);
    config.setPragma(SQLiteConfig.Pragma.WAL_AUTOCHECKPOINT, "0");
    config.setTempStore(SQLiteConfig.TempStore.MEMORY);
    config.enforceForeignKeys(false);
    return config.toProperties();
  }
}
