-- Every status change of a job rewrites its row, and the new row version goes into each index whose
-- predicate it meets, so indexes cost on the hot path. Two go: "newest first" listings order by id (ids are
-- time-ordered), and finding expired leases scans jobs_owner, which holds running jobs only (a handful per
-- worker), as well as jobs_leases did.
DROP INDEX jobs_created;
DROP INDEX jobs_leases;
