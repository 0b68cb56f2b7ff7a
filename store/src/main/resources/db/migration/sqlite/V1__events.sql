-- Events in arrival order (local_seq, assigned by the single writer), with the indexes the client API needs.
CREATE TABLE topics (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE origins (id INTEGER PRIMARY KEY, origin_key BLOB NOT NULL UNIQUE);
CREATE TABLE events (
  local_seq  INTEGER PRIMARY KEY,
  id         BLOB    NOT NULL,
  topic      INTEGER NOT NULL REFERENCES topics (id),
  ts         INTEGER NOT NULL,
  digest     BLOB    NOT NULL,
  origin     INTEGER NOT NULL REFERENCES origins (id),
  origin_seq INTEGER NOT NULL,
  raw        BLOB    NOT NULL
);
CREATE UNIQUE INDEX events_id ON events (id);
CREATE UNIQUE INDEX events_digest ON events (digest);
CREATE INDEX events_timeline ON events (topic, ts, digest);
CREATE INDEX events_origin ON events (origin, origin_seq);
CREATE TABLE heads (topic INTEGER NOT NULL, id BLOB NOT NULL, PRIMARY KEY (topic, id)) WITHOUT ROWID;
CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO counters (name, value) VALUES ('events', 0), ('payload_bytes', 0);
