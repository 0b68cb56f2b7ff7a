-- Replication: events of every origin (not only client-visible ones), topics by DAG key, the vector, evidence.
--
-- events.row_no is the insertion order (a topological order: parents are always inserted first), the resumable
-- position of topic ranges. local_seq is set iff the event is visible to clients (it has an envelope, is not
-- hidden, and represents its digest); ts and digest are NULL for events without envelope (merge events).
-- hidden_until (ms) is set while a future-dated event is hidden.
--
-- SQLite cannot change a column's constraints in place, so topics and events are rebuilt (create, copy, drop,
-- rename); foreign keys are not enforced on the store's connections. Existing rows keep their ids; every V1
-- event was client-visible, so its row is its local sequence. The topic key of a V1 topic is read from one of
-- its events' canonical encoding (u8 version ‖ topic_id[32] ‖ …). What SQL cannot compute here, the store
-- computes at open where missing: topics.heads_hash (SHA-256) and origin_progress (a walk for the contiguous
-- prefix of each origin's sequences).

CREATE TABLE topics_v2 (
  id          INTEGER PRIMARY KEY,
  topic_key   BLOB    NOT NULL,
  name        TEXT,
  event_count INTEGER NOT NULL DEFAULT 0,
  heads_hash  BLOB
);
INSERT INTO topics_v2 (id, topic_key, name, event_count)
  SELECT t.id,
         (SELECT substr(e.raw, 2, 32) FROM events e WHERE e.topic = t.id LIMIT 1),
         t.name,
         (SELECT COUNT(*) FROM events e WHERE e.topic = t.id)
  FROM topics t
  WHERE EXISTS (SELECT 1 FROM events e WHERE e.topic = t.id);
DROP TABLE topics;
ALTER TABLE topics_v2 RENAME TO topics;
CREATE UNIQUE INDEX topics_key ON topics (topic_key);

CREATE TABLE events_v2 (
  row_no       INTEGER PRIMARY KEY,
  id           BLOB    NOT NULL,
  topic        INTEGER NOT NULL REFERENCES topics (id),
  origin       INTEGER NOT NULL REFERENCES origins (id),
  origin_seq   INTEGER NOT NULL,
  ts           INTEGER,
  digest       BLOB,
  local_seq    INTEGER,
  hidden_until INTEGER,
  raw          BLOB    NOT NULL
);
INSERT INTO events_v2 (row_no, id, topic, origin, origin_seq, ts, digest, local_seq, hidden_until, raw)
  SELECT local_seq, id, topic, origin, origin_seq, ts, digest, local_seq, NULL, raw FROM events ORDER BY local_seq;
DROP TABLE events;
ALTER TABLE events_v2 RENAME TO events;

CREATE UNIQUE INDEX events_id ON events (id);
-- not unique: an equivocating origin signs two events with one sequence
CREATE INDEX events_origin ON events (origin, origin_seq);
CREATE INDEX events_topic_row ON events (topic, row_no);
-- one visible representative per digest; the client timeline and local order cover visible events only
CREATE UNIQUE INDEX events_digest ON events (digest) WHERE local_seq IS NOT NULL;
CREATE INDEX events_timeline ON events (topic, ts, digest) WHERE local_seq IS NOT NULL;
CREATE UNIQUE INDEX events_local_seq ON events (local_seq) WHERE local_seq IS NOT NULL;
CREATE INDEX events_hidden ON events (hidden_until) WHERE hidden_until IS NOT NULL;

-- The node's vector: per origin, the contiguous prefix of sequences stored and the highest one.
CREATE TABLE origin_progress (
  origin     INTEGER PRIMARY KEY REFERENCES origins (id),
  contiguous INTEGER NOT NULL,
  max_seen   INTEGER NOT NULL
);

-- Equivocations: two canonical encodings signed by one origin with one sequence number.
CREATE TABLE evidence (
  id         INTEGER PRIMARY KEY,
  origin     INTEGER NOT NULL REFERENCES origins (id),
  origin_seq INTEGER NOT NULL,
  first_raw  BLOB    NOT NULL,
  second_raw BLOB    NOT NULL
);
