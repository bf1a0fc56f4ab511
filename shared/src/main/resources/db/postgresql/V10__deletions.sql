-- Deleting jobs or a file removes their rows in one transaction and, in that same transaction, lists here
-- the store objects they leave behind (results, the file's bytes). The objects are deleted after the commit,
-- each row with its object, so a crash in between hides nothing half-deleted: the rows are gone at once,
-- and the next delete, cleanup or retention run removes the objects still listed.
CREATE TABLE blob_deletions (
  blob_key    TEXT COLLATE "C" PRIMARY KEY,
  created_at  BIGINT NOT NULL
);
-- A job.deleted event carries the job as it was: its row is gone by the time the event is dispatched.
ALTER TABLE job_events ADD COLUMN body TEXT;
