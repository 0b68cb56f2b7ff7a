package org.xmtpj.store;

/**
 * The database reported damage while serving (SQLite's SQLITE_CORRUPT or SQLITE_NOTADB, PostgreSQL's XX001 or
 * XX002): a page or an index that the start-time check did not see. Retrying cannot help; the node marks its store
 * for a full check and rebuild at its next start (docs/replication.md §7).
 */
public final class StoreDamagedException extends StoreException {
  StoreDamagedException(String what, Throwable cause) {
    super(what + ": the store is damaged (" + firstLine(cause) + ")", cause);
  }

  private static String firstLine(Throwable cause) {
    String m = cause == null || cause.getMessage() == null ? String.valueOf(cause) : cause.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
