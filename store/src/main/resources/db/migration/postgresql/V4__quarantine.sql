-- Integrity (docs/replication.md §7): a stored row whose bytes no longer hash to its id, or no longer decode, is
-- moved here out of events, so that nothing reads it again; the event counts as missing (the vector's contiguous
-- prefix stops before it) and replication fetches it again from peers. Storing the event again deletes its row
-- here. The damaged bytes stay for an operator to look at; origin_key and origin_seq are what the row said.
CREATE TABLE quarantine (
  id              BYTEA   NOT NULL PRIMARY KEY,
  origin_key      BYTEA,
  origin_seq      BIGINT,
  reason          TEXT    NOT NULL,
  quarantined_at  BIGINT  NOT NULL,
  raw             BYTEA
);
