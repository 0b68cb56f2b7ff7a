-- Replication: events of every origin (not only client-visible ones), topics by DAG key, the vector, evidence.
--
-- events.row_no is the insertion order (a topological order: parents are always inserted first), the resumable
-- position of topic ranges. local_seq is set iff the event is visible to clients (it has an envelope, is not
-- hidden, and represents its digest); ts and digest are NULL for events without envelope (merge events).
-- hidden_until (ms) is set while a future-dated event is hidden.
--
-- Existing rows keep their ids; every V1 event was client-visible, so its row is its local sequence. The topic
-- key of a V1 topic is read from one of its events' canonical encoding (u8 version ‖ topic_id[32] ‖ …). What
-- SQL does not compute here, the store computes at open where missing (the same code for both engines):
-- topics.heads_hash (SHA-256 over the sorted heads) and origin_progress (a walk for the contiguous prefix).

ALTER TABLE topics
  ADD COLUMN topic_key BYTEA,
  ADD COLUMN event_count BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN heads_hash BYTEA,
  ALTER COLUMN name DROP NOT NULL,
  DROP CONSTRAINT topics_name_key;
UPDATE topics t SET
  topic_key = (SELECT substring(e.raw from 2 for 32) FROM events e WHERE e.topic = t.id LIMIT 1),
  event_count = (SELECT COUNT(*) FROM events e WHERE e.topic = t.id);
DELETE FROM topics WHERE topic_key IS NULL;
ALTER TABLE topics ALTER COLUMN topic_key SET NOT NULL;
CREATE UNIQUE INDEX topics_key ON topics (topic_key);

ALTER TABLE events
  DROP CONSTRAINT events_pkey,
  ADD COLUMN row_no BIGINT,
  ADD COLUMN hidden_until BIGINT,
  ALTER COLUMN local_seq DROP NOT NULL,
  ALTER COLUMN ts DROP NOT NULL,
  ALTER COLUMN digest DROP NOT NULL;
UPDATE events SET row_no = local_seq;
ALTER TABLE events ALTER COLUMN row_no SET NOT NULL, ADD PRIMARY KEY (row_no);

-- not unique: an equivocating origin signs two events with one sequence (events_origin stays as in V1)
CREATE INDEX events_topic_row ON events (topic, row_no);
-- one visible representative per digest; the client timeline and local order cover visible events only
DROP INDEX events_digest;
CREATE UNIQUE INDEX events_digest ON events (digest) WHERE local_seq IS NOT NULL;
DROP INDEX events_timeline;
CREATE INDEX events_timeline ON events (topic, ts, digest) WHERE local_seq IS NOT NULL;
CREATE UNIQUE INDEX events_local_seq ON events (local_seq) WHERE local_seq IS NOT NULL;
CREATE INDEX events_hidden ON events (hidden_until) WHERE hidden_until IS NOT NULL;

-- The node's vector: per origin, the contiguous prefix of sequences stored and the highest one.
CREATE TABLE origin_progress (
  origin     BIGINT PRIMARY KEY REFERENCES origins (id),
  contiguous BIGINT NOT NULL,
  max_seen   BIGINT NOT NULL
);

-- Equivocations: two canonical encodings signed by one origin with one sequence number.
CREATE TABLE evidence (
  id         BIGSERIAL PRIMARY KEY,
  origin     BIGINT NOT NULL REFERENCES origins (id),
  origin_seq BIGINT NOT NULL,
  first_raw  BYTEA  NOT NULL,
  second_raw BYTEA  NOT NULL
);
