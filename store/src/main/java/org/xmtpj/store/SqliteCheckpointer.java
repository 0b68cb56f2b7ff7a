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
 * Moves most WAL checkpoint work off the commit path. With automatic checkpoints alone, the commit that crosses
 * the threshold copies the whole WAL into the database and fsyncs it before returning, a latency spike for every
 * publish in that group commit. Here a background connection runs PASSIVE checkpoints (they never block the
 * writer), so frames are usually copied already when the writer's own, much larger, automatic checkpoint comes
 * due; that one remains as the bound on the WAL's size when writes outpace this thread (only the writer can
 * complete a checkpoint while it keeps writing).
 */
final class SqliteCheckpointer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SqliteCheckpointer.class);
  private static final long INTERVAL_MS = 250;

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
        checkpoint("PASSIVE");
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

  private void checkpoint(String mode) throws SQLException {
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(" + mode + ")")) {
      rs.next();
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
