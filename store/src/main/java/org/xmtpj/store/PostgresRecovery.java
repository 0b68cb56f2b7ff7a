package org.xmtpj.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-time repair of a PostgreSQL store that reported damage while serving ({@link EventStores#markDamaged}).
 * PostgreSQL's own files are its to check, so the node does what PostgreSQL can: it rebuilds every index of the
 * node's schema from the tables ({@code REINDEX SCHEMA}), which repairs index damage (SQLSTATE XX002, and XX001 in
 * an index page). Damage inside table rows is found by the id check of every read and by the background scrub, and
 * those events are fetched again from peers. Damage that REINDEX cannot read past (a table page) refuses the start
 * with one line naming the cause and the remedy. Without the mark nothing runs: a clean start costs nothing.
 */
final class PostgresRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresRecovery.class);

  private PostgresRecovery() {}

  /** Repairs the store behind {@code writer} (in autocommit mode) if {@code dataDir} holds the damage mark. */
  static void repairIfMarked(Connection writer, Path dataDir, String url) {
    Path marker = EventStores.damageMarker(dataDir);
    if (Files.exists(marker)) {
      reindex(writer, url, "it reported damage while serving: " + readCause(marker), marker);
    }
  }

  /**
   * Rebuilds every index of the node's schema from its tables, then removes {@code marker} (null: none).
   *
   * @throws CorruptStoreException if PostgreSQL cannot read the tables to do it
   */
  static void reindex(Connection writer, String url, String why, Path marker) {
    String schema = currentSchema(writer);
    LOG.warn("store {}: {}; rebuilding every index of schema {}", url, why, schema);
    long started = System.nanoTime();
    try (var st = writer.createStatement()) {
      st.execute("REINDEX SCHEMA " + quoted(schema));
    } catch (SQLException e) {
      throw unusable(url, oneLine(e), marker);
    }
    LOG.warn("store {}: indexes rebuilt in {} ms; every stored event is checked against its id in the background",
        url, (System.nanoTime() - started) / 1_000_000);
    if (marker != null) {
      try {
        Files.deleteIfExists(marker);
      } catch (IOException e) {
        throw new StoreException("removing " + marker + " after the repair", e);
      }
    }
  }

  /** The one line for damage that rebuilding the indexes does not cure. */
  static CorruptStoreException unusable(String url, String cause, Path marker) {
    return new CorruptStoreException("store " + url + " is damaged beyond its indexes (" + cause
        + "): restore the database from a backup, or drop it and start the node on an empty database to fetch"
        + " every event again from peers" + (marker == null ? "" : "; " + marker + " records the first damage"));
  }

  private static String currentSchema(Connection writer) {
    try (var st = writer.createStatement(); var rs = st.executeQuery("SELECT current_schema()")) {
      rs.next();
      return rs.getString(1);
    } catch (SQLException e) {
      throw StoreException.of("reading the current schema", e);
    }
  }

  private static String quoted(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  private static String readCause(Path marker) {
    try {
      return Files.readString(marker).strip();
    } catch (IOException e) {
      return "the mark is unreadable: " + e.getMessage();
    }
  }

  private static String oneLine(SQLException e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.replaceAll("\\s+", " ") + (e.getSQLState() == null ? "" : ", SQLSTATE " + e.getSQLState());
  }
}
