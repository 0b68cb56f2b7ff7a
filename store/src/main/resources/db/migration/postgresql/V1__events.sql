-- Events in arrival order (local_seq, assigned by the single writer), with the indexes the client API needs.
CREATE TABLE topics (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE origins (id BIGSERIAL PRIMARY KEY, origin_key BYTEA NOT NULL UNIQUE);
CREATE TABLE events (
  local_seq  BIGINT PRIMARY KEY,
  id         BYTEA  NOT NULL,
  topic      BIGINT NOT NULL REFERENCES topics (id),
  ts         BIGINT NOT NULL,
  digest     BYTEA  NOT NULL,
  origin     BIGINT NOT NULL REFERENCES origins (id),
  origin_seq BIGINT NOT NULL,
  raw        BYTEA  NOT NULL
);
CREATE UNIQUE INDEX events_id ON events (id);
CREATE UNIQUE INDEX events_digest ON events (digest);
CREATE INDEX events_timeline ON events (topic, ts, digest);
CREATE INDEX events_origin ON events (origin, origin_seq);
CREATE TABLE heads (topic BIGINT NOT NULL, id BYTEA NOT NULL, PRIMARY KEY (topic, id));
CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL);
INSERT INTO counters (name, value) VALUES ('events', 0), ('payload_bytes', 0);
