package org.xmtpj.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves SQLite's WAL checkpoints off the commit path. With automatic checkpoints, the commit that crosses the
 * threshold copies the whole WAL into the database and fsyncs it before returning, which shows up as a latency
 * spike on every publish in that group commit. Here a background connection runs PASSIVE checkpoints (they never
 * block the writer) and, only if the WAL still grows past a hard bound, a RESTART checkpoint that waits for it.
 */
final class SqliteCheckpointer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SqliteCheckpointer.class);
  private static final long INTERVAL_MS = 250;
  /** WAL frames (pages) after which the checkpointer insists, so the WAL cannot grow without bound. */
  private static final int HARD_LIMIT_FRAMES = 100_000;

  private final Connection connection;
  private final Thread thread;
  private volatile boolean running = true;

  SqliteCheckpointer(String url, Properties props) throws SQLException {
    this.connection = DriverManager.getConnection(url, props);
    this.thread = Thread.ofPlatform().daemon().name("sqlite-checkpointer").start(this::run);
  }

  private void run() {
    while (running) {
      try {
        Thread.sleep(INTERVAL_MS);
        int logFrames = checkpoint("PASSIVE");
        if (logFrames > HARD_LIMIT_FRAMES) {
          checkpoint("RESTART");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (SQLException e) {
        if (running) {
          LOG.warn("WAL checkpoint failed (will retry): {}", e.getMessage());
        }
      }
    }
  }

  /** Returns the WAL size in frames as the checkpoint found it. */
  private int checkpoint(String mode) throws SQLException {
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(" + mode + ")")) {
      return rs.next() ? rs.getInt(2) : 0;
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(5_000);
      checkpoint("TRUNCATE");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (SQLException e) {
      LOG.debug("final checkpoint skipped: {}", e.getMessage());
    }
    try {
      connection.close();
    } catch (SQLException ignored) {
      // closing anyway
    }
  }
}
