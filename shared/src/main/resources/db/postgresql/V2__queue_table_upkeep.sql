-- A queue table churns: every job is inserted, updated twice and later deleted. The default autovacuum
-- thresholds (20 % of the table) let dead index entries pile up in the claim indexes once history has
-- grown to millions of rows; vacuum this table after 1 % instead. A lower fillfactor leaves room on each
-- page for updated row versions.
ALTER TABLE jobs SET (
  autovacuum_vacuum_scale_factor = 0.01,
  autovacuum_vacuum_threshold = 1000,
  autovacuum_analyze_scale_factor = 0.02,
  autovacuum_vacuum_cost_delay = 0,
  fillfactor = 80
);
