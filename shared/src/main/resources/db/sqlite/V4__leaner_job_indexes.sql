-- Every status change of a job rewrites its row and each index entry whose predicate the row meets, so
-- indexes cost on the hot path. "Newest first" listings order by id (ids are time-ordered), so the index on
-- created_at goes. (jobs_leases stays here: SQLite's planner would otherwise walk the primary key to find
-- expired leases.)
DROP INDEX jobs_created;
