-- Retention (docs/replication.md §6): events created before a time horizon may be pruned.
--
-- events.created_at is the origin's created_at_ms, copied out of the canonical encoding so that the pruner finds
-- old events by index. Rows written before V3 hold NULL until the store fills them at open (SQL cannot decode a
-- big-endian i64 out of a BLOB in SQLite; the same Java code runs for both engines).
ALTER TABLE events ADD COLUMN created_at INTEGER;
CREATE INDEX events_created ON events (created_at, row_no);

-- For every event id that a stored event names as a parent (stored itself or not): the newest created_at among
-- those children. It keeps the parents of events above the horizon from being pruned (a receiver must be able
-- to fetch them), and it tells an event inserted after one of its children (possible below the horizon) that it
-- is not a head. Filled at append; for rows written before V3, at open together with created_at.
CREATE TABLE links (parent BLOB PRIMARY KEY, child_ms INTEGER NOT NULL) WITHOUT ROWID;

-- Every sequence ≤ floor of the origin is stored here or was pruned (here, or at a peer that declared it so).
-- contiguous ≥ floor always.
ALTER TABLE origin_progress ADD COLUMN floor INTEGER NOT NULL DEFAULT 0;
