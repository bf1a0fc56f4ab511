-- Listings put the newest jobs first by id, whose time part is the job's created_at, through the primary
-- key. The index on created_at cost an index insert on every enqueue and every status change of every job,
-- for listings alone. (Jobs created before this version took the time part of their id from the enqueuing
-- host's clock, so among them the order follows that clock.)
DROP INDEX jobs_created;
