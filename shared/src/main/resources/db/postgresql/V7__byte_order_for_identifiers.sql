-- Ids, queue names, lease owners and dedupe keys are identifiers, compared for equality and sorted only to
-- be deterministic, yet every index on them compared through the database's collation: with any locale but
-- "C" that is a strcoll() call per comparison, in every index descent and insert of the hot path (claims,
-- completions, enqueues). The "C" collation compares bytes and sorts ids as the Java code does. Changing
-- the collation of a text column keeps the table as it is and rebuilds the indexes on these columns.
ALTER TABLE jobs
  ALTER COLUMN id TYPE TEXT COLLATE "C",
  ALTER COLUMN queue TYPE TEXT COLLATE "C",
  ALTER COLUMN lease_owner TYPE TEXT COLLATE "C",
  ALTER COLUMN dedupe_key TYPE TEXT COLLATE "C",
  ALTER COLUMN file_id TYPE TEXT COLLATE "C";
ALTER TABLE job_errors ALTER COLUMN job_id TYPE TEXT COLLATE "C";
