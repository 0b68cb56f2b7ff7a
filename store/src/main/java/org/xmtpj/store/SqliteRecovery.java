package org.xmtpj.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.store.EventStores.OnCorrupt;

/**
 * The start-time check of a SQLite store (docs/replication.md §7): {@code PRAGMA integrity_check} on files up to
 * 256 MiB, else {@code quick_check} ({@link #pragmaFor}). {@code quick_check} reads every page
 * and checks the b-trees' structure (not index contents against tables, which {@code integrity_check} adds at
 * several times the cost, nor bytes inside a row, which only the check against the id can see). On damage the
 * store is rebuilt from its readable rows: every row that still passes {@link IntegrityCheck} is appended, in its
 * insertion order, to a fresh database, which recomputes heads, vector, visibility and links; the rest counts as
 * missing, so replication fetches it from peers. A file that cannot be opened, or whose schema cannot be read, is
 * unusable: the node refuses to start with one line naming cause and remedy, or, with
 * {@link OnCorrupt#REBOOTSTRAP}, moves it aside and starts empty (bootstrap copies everything from peers).
 */
final class SqliteRecovery {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SqliteRecovery.class);
  private static final int CHUNK = 500;
  private static final int MAX_REPORTED_PROBLEMS = 5;
  /** Up to this size the start-time check is the full {@code integrity_check} (about 4 s at this size). */
  static final long FULL_CHECK_MAX_BYTES = 256L * 1024 * 1024;
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
      .withZone(ZoneOffset.UTC);

  private final Path db;
  private final Properties props;
  private final OnCorrupt onCorrupt;
  private final Clock clock;
  /** Opens a fresh, migrated store at a JDBC URL (EventStores' own path, so the schema is the same). */
  private final Function<String, EventStore> openFresh;

  SqliteRecovery(Path db, Properties props, OnCorrupt onCorrupt, Clock clock, Function<String, EventStore> openFresh) {
    this.db = db;
    this.props = props;
    this.onCorrupt = onCorrupt;
    this.clock = clock;
    this.openFresh = openFresh;
  }

  /**
   * Leaves an intact file alone, rebuilds a damaged one, and refuses or moves aside an unusable one. A file that
   * reported damage while serving ({@link EventStores#markDamaged}) gets the full check whatever its size; the mark
   * goes once the file is checked clean or rebuilt.
   */
  void checkAndRepair() {
    Path marker = EventStores.damageMarker(db.getParent());
    if (Files.exists(db)) {
      checkAndRepair(Files.exists(marker));
    }
    try {
      Files.deleteIfExists(marker);
    } catch (IOException e) {
      throw new StoreException("removing " + marker + " after the check", e);
    }
  }

  private void checkAndRepair(boolean markedDamaged) {
    List<String> problems;
    long started = System.nanoTime();
    String pragma = markedDamaged ? "integrity_check" : pragmaFor(sizeOf(db));
    if (markedDamaged) {
      LOG.warn("store {}: it reported damage while serving (see {}); running the full integrity check", db,
          EventStores.damageMarker(db.getParent()).getFileName());
    }
    try (Connection c = open(db)) {
      try {
        problems = check(c, pragma);
      } catch (SQLException checkFailed) {
        problems = List.of(oneLine(checkFailed.getMessage()));
      }
    } catch (SQLException cannotOpen) {
      Path padded = paddedCopy();
      if (padded == null && readableDespiteSchema(db)) {
        LOG.warn("store {}: its schema is damaged ({}); rebuilding it from the tables still readable", db,
            oneLine(cannotOpen.getMessage()));
        rebuild(db);
      } else if (padded == null) {
        unusable(cannotOpen.getMessage());
      } else {
        LOG.warn("store {}: {} pages are missing from its end; rebuilding it from the pages still there", db,
            missingPages);
        rebuild(padded);
        deleteWithSidecars(padded);
      }
      return;
    }
    long ms = (System.nanoTime() - started) / 1_000_000;
    if (problems.isEmpty()) {
      LOG.info("store {}: integrity check ok in {} ms", db, ms);
      return;
    }
    LOG.warn("store {}: integrity check found damage in {} ms: {}; rebuilding it from its readable rows", db, ms,
        String.join("; ", problems));
    rebuild(db);
  }

  /** Opens the file and reads its header and schema: what fails here leaves nothing to rebuild from. */
  private Connection open(Path file) throws SQLException {
    Connection c = DriverManager.getConnection(url(file), props);
    try (var st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM sqlite_master")) {
      rs.next();
      return c;
    } catch (SQLException e) {
      c.close();
      throw e;
    }
  }

  /**
   * A flipped bit in the text of one schema entry (an index's CREATE statement, say) makes SQLite refuse every
   * statement, although the tables' pages are intact. With {@code writable_schema} on, SQLite loads the entries it
   * can parse and skips the rest, so the rows stay readable for a rebuild (which writes a fresh schema). Nothing
   * is ever written through this connection.
   */
  private Connection openDespiteSchema(Path file) throws SQLException {
    // no pragmas on open: each would meet the damaged schema before writable_schema is on
    Connection c = DriverManager.getConnection(url(file), new Properties());
    try (var st = c.createStatement()) {
      st.execute("PRAGMA writable_schema = ON");
      try {
        st.executeQuery("SELECT COUNT(*) FROM sqlite_master").close();
      } catch (SQLException firstStatementAfterASchemaError) {
        // expected: the statement that meets the damaged entry fails, the next ones see the loaded subset
      }
      try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM sqlite_master")) {
        rs.next();
      }
      return c;
    } catch (SQLException e) {
      c.close();
      throw e;
    }
  }

  private boolean readableDespiteSchema(Path file) {
    try (Connection c = openDespiteSchema(file)) {
      return hasEventsTable(c);
    } catch (SQLException e) {
      return false;
    }
  }

  /**
   * {@code integrity_check} for files up to {@link #FULL_CHECK_MAX_BYTES}, {@code quick_check} above. Only the full
   * check compares index contents with their tables, and a flipped bit in an index entry that quick_check passes
   * makes every query through that index fail with SQLITE_CORRUPT (seen in BitRotTest); the full check costs about
   * 9 s per 722 MB, so large files get the quick one and rely on the read-time checks.
   */
  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (java.io.IOException e) {
      return Long.MAX_VALUE; // unreadable size: the cheap check, and its open fails on its own if it must
    }
  }

  static String pragmaFor(long fileBytes) {
    return fileBytes <= fullCheckMaxBytes() ? "integrity_check" : "quick_check";
  }

  /** {@link #FULL_CHECK_MAX_BYTES}, or the JVM property {@code xmtpj.store.fullCheckMaxBytes} where set. */
  private static long fullCheckMaxBytes() {
    return Long.getLong("xmtpj.store.fullCheckMaxBytes", FULL_CHECK_MAX_BYTES);
  }

  private static List<String> check(Connection c, String pragma) throws SQLException {
    List<String> out = new ArrayList<>();
    try (var st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA " + pragma + "(" + MAX_REPORTED_PROBLEMS
        + ")")) {
      while (rs.next()) {
        if (!"ok".equalsIgnoreCase(rs.getString(1))) {
          out.add(rs.getString(1).replace('\n', ' '));
        }
      }
    }
    return out;
  }

  private static boolean hasEventsTable(Connection c) throws SQLException {
    try (var st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'events'")) {
      return rs.next() && rs.getLong(1) == 1;
    }
  }

  private record Salvage(int kept, int lost) {}

  private long missingPages;

  /**
   * A cut-off file: its header names more pages than it holds, which SQLite refuses to open. A copy padded with
   * zero pages to the size the header names opens, and every b-tree branch that was not cut off reads as before
   * (the zeroed pages read as corrupt, and the rows on them are lost). Null if the file is not that case.
   */
  private Path paddedCopy() {
    try {
      byte[] head = new byte[100];
      long size = Files.size(db);
      try (var in = Files.newInputStream(db)) {
        if (size < 100 || in.readNBytes(head, 0, 100) < 100) {
          return null;
        }
      }
      int pageSize = ((head[16] & 0xff) << 8) | (head[17] & 0xff);
      pageSize = pageSize == 1 ? 65_536 : pageSize;
      long pages = ((head[28] & 0xffL) << 24) | ((head[29] & 0xff) << 16) | ((head[30] & 0xff) << 8) | (head[31] & 0xff);
      if (pageSize < 512 || pages * pageSize <= size) {
        return null;
      }
      missingPages = pages - size / pageSize;
      Path copy = db.resolveSibling(db.getFileName() + ".padded");
      Files.copy(db, copy, StandardCopyOption.REPLACE_EXISTING);
      try (var ch = java.nio.channels.FileChannel.open(copy, java.nio.file.StandardOpenOption.WRITE)) {
        ch.write(java.nio.ByteBuffer.allocate(1), pages * pageSize - 1);
      }
      try (Connection c = open(copy)) {
        return copy;
      } catch (SQLException stillUnreadable) {
        deleteWithSidecars(copy);
        return null;
      }
    } catch (IOException e) {
      return null;
    }
  }

  private void rebuild(Path from) {
    Path fresh = db.resolveSibling(db.getFileName() + ".rebuild");
    deleteWithSidecars(fresh);
    Salvage salvage;
    try (Connection source = openForSalvage(from)) {
      if (!hasEventsTable(source)) {
        unusable("its schema is unreadable");
        return;
      }
      try (EventStore target = openFresh.apply(url(fresh))) {
        salvage = copy(source, target);
        floors(source).forEach(target::raiseFloor);
      }
    } catch (SQLException | RuntimeException e) {
      deleteWithSidecars(fresh);
      unusable("rebuilding it failed: " + e.getMessage());
      return;
    }
    if (salvage.kept() == 0) {
      deleteWithSidecars(fresh);
      unusable("no event in it is readable");
      return;
    }
    Path aside = moveAside();
    move(fresh, db);
    LOG.warn("store {}: rebuilt from its readable rows: {} events kept, {} row positions damaged or unreadable (what"
        + " they held is fetched again from peers); the damaged file is kept as {}", db, salvage.kept(), salvage.lost(), aside);
  }

  private Connection openForSalvage(Path file) throws SQLException {
    try {
      return open(file);
    } catch (SQLException schemaUnreadable) {
      return openDespiteSchema(file);
    }
  }

  /** Every readable, intact row in insertion order, appended in batches; unreadable ranges are probed row by row. */
  private Salvage copy(Connection source, EventStore target) {
    long max = maxRow(source);
    int kept = 0;
    int lost = 0;
    for (long from = 0; from < max; from += CHUNK) {
      List<StoredEvent> batch = new ArrayList<>(CHUNK);
      try {
        lost += read(source, from, from + CHUNK, batch);
      } catch (SQLException unreadableRange) {
        batch.clear();
        for (long row = from + 1; row <= from + CHUNK; row++) {
          try {
            lost += read(source, row - 1, row, batch);
          } catch (SQLException unreadableRow) {
            lost++;
          }
        }
      }
      target.append(batch);
      kept += batch.size();
    }
    return new Salvage(kept, lost);
  }

  /** Rows in (after, upTo]: the intact ones into {@code out}; returns how many were damaged. */
  private static int read(Connection source, long after, long upTo, List<StoredEvent> out) throws SQLException {
    int damaged = 0;
    try (PreparedStatement ps = source.prepareStatement("SELECT id, raw, hidden_until FROM events"
        + " WHERE row_no > ? AND row_no <= ? ORDER BY row_no")) {
      ps.setLong(1, after);
      ps.setLong(2, upTo);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          IntegrityCheck.Result r = IntegrityCheck.check(rs.getBytes(1), rs.getBytes(2));
          if (r.intact()) {
            out.add(new StoredEvent(r.event(), r.envelope(), Sql.longOrZero(rs, 3)));
          } else {
            damaged++;
          }
        }
      }
    }
    return damaged;
  }

  /** The largest row number, from the table's rightmost page; if even that is unreadable, the counters' guess. */
  private static long maxRow(Connection source) {
    try (var st = source.createStatement(); ResultSet rs = st.executeQuery("SELECT MAX(row_no) FROM events")) {
      return rs.next() ? rs.getLong(1) : 0;
    } catch (SQLException e) {
      try (var st = source.createStatement();
          ResultSet rs = st.executeQuery("SELECT value FROM counters WHERE name = 'events'")) {
        return rs.next() ? rs.getLong(1) * 2 + CHUNK : 0; // pruning leaves gaps: look well past the count
      } catch (SQLException unreadable) {
        return 0;
      }
    }
  }

  /** Retention floors, so that pruned sequences stay accounted for; none if unreadable. */
  private static Map<OriginKey, Long> floors(Connection source) {
    Map<OriginKey, Long> out = new HashMap<>();
    try (var st = source.createStatement(); ResultSet rs = st.executeQuery("SELECT o.origin_key, p.floor"
        + " FROM origin_progress p JOIN origins o ON o.id = p.origin WHERE p.floor > 0")) {
      while (rs.next()) {
        out.put(new OriginKey(rs.getBytes(1)), rs.getLong(2));
      }
    } catch (SQLException | RuntimeException e) {
      LOG.warn("retention floors unreadable in the damaged store; the peers declare theirs again", e);
    }
    return out;
  }

  private void unusable(String cause) {
    String line = "store file " + db + " is unusable (" + oneLine(cause) + "): start with"
        + " --on-corrupt-store=rebootstrap to move it aside and copy everything again from peers, or restore it"
        + " from a backup";
    if (onCorrupt == OnCorrupt.REFUSE) {
      throw new CorruptStoreException(line);
    }
    Path aside = moveAside();
    LOG.warn("store file {} is unusable ({}): moved aside to {}; starting empty and copying everything again from"
        + " peers (--on-corrupt-store=rebootstrap)", db, oneLine(cause), aside);
  }

  private Path moveAside() {
    Path aside = db.resolveSibling(db.getFileName() + ".corrupt-" + STAMP.format(clock.instant()));
    move(db, aside);
    for (String sidecar : List.of("-wal", "-shm")) {
      Path from = db.resolveSibling(db.getFileName() + sidecar);
      if (Files.exists(from)) {
        move(from, aside.resolveSibling(aside.getFileName() + sidecar));
      }
    }
    return aside;
  }

  private static void move(Path from, Path to) {
    try {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new StoreException("moving " + from + " to " + to, e);
    }
  }

  private static void deleteWithSidecars(Path file) {
    try {
      for (String suffix : List.of("", "-wal", "-shm")) {
        Files.deleteIfExists(file.resolveSibling(file.getFileName() + suffix));
      }
    } catch (IOException e) {
      throw new StoreException("removing " + file, e);
    }
  }

  private static String oneLine(String s) {
    return s == null ? "unknown cause" : s.replaceAll("\\s+", " ").trim();
  }

  private static String url(Path file) {
    return "jdbc:sqlite:" + file.toAbsolutePath();
  }
}
