package org.xmtpj.store;

import java.sql.SQLException;
import java.util.Set;

/** The store could not do what was asked; the cause says why. Nothing was changed. */
public class StoreException extends RuntimeException {
  /** SQLite's primary result codes for a damaged file: SQLITE_CORRUPT and SQLITE_NOTADB. */
  private static final Set<Integer> SQLITE_DAMAGE = Set.of(11, 26);
  /** PostgreSQL's data_corrupted and index_corrupted. */
  private static final Set<String> POSTGRES_DAMAGE = Set.of("XX001", "XX002");

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * The exception for a failed store operation: a {@link StoreDamagedException} when the database reports damage
   * (which no retry can fix and the start-time check repairs), a plain one otherwise.
   */
  static StoreException of(String what, Throwable cause) {
    return isDamage(cause) ? new StoreDamagedException(what, cause) : new StoreException(what, cause);
  }

  static boolean isDamage(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof StoreDamagedException) {
        return true;
      }
      if (c instanceof SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
          if (isDamage(s)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static boolean isDamage(SQLException e) {
    if (e.getSQLState() != null && POSTGRES_DAMAGE.contains(e.getSQLState())) {
      return true;
    }
    // sqlite-jdbc reports the extended result code; its low byte is the primary one
    boolean sqlite = e.getClass().getName().startsWith("org.sqlite.");
    return sqlite && SQLITE_DAMAGE.contains(e.getErrorCode() & 0xff);
  }
}
