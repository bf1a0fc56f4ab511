-- Every claim, heartbeat and completion changed this index's key or predicate, so it cost on the hot path
-- of every job. Finding expired leases scans jobs_owner, which holds running jobs only (a handful per
-- worker), as PostgreSQL's V5 already does (EXPLAIN QUERY PLAN: SCAN jobs USING INDEX jobs_owner).
DROP INDEX jobs_leases;
