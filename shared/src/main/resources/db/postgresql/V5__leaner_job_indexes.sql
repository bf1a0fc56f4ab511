-- Every status change of a job rewrites its row, and the new row version goes into each index whose
-- predicate it meets, so indexes cost on the hot path. Finding expired leases scans jobs_owner, which holds
-- running jobs only (a handful per worker), as well as jobs_leases did (EXPLAIN), so jobs_leases goes.
DROP INDEX jobs_leases;
