package org.xmtpj.store;

/** The few places where SQLite and PostgreSQL differ. */
enum SqlDialect {
  SQLITE("sqlite", "INSERT OR IGNORE INTO %s (%s) VALUES (?)"),
  POSTGRESQL("postgresql", "INSERT INTO %s (%s) VALUES (?) ON CONFLICT DO NOTHING");

  private final String migrations;
  private final String insertIgnore;

  SqlDialect(String migrations, String insertIgnore) {
    this.migrations = migrations;
    this.insertIgnore = insertIgnore;
  }

  String migrationLocation() {
    return "classpath:db/migration/" + migrations;
  }

  String insertIgnore(String table, String column) {
    return insertIgnore.formatted(table, column);
  }
}
