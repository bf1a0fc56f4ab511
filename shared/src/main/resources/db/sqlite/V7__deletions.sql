-- Deletions listed in the transaction that removes the rows: see PostgreSQL's V10.
CREATE TABLE blob_deletions (
  blob_key    TEXT PRIMARY KEY,
  created_at  INTEGER NOT NULL
);
ALTER TABLE job_events ADD COLUMN body TEXT;
