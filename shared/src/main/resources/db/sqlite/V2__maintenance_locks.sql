-- Leases on upkeep tasks (retention) so that one worker among many runs each at a time.
CREATE TABLE maintenance_locks (
  name        TEXT PRIMARY KEY,
  owner       TEXT,
  expires_at  INTEGER NOT NULL
);
INSERT INTO maintenance_locks (name, owner, expires_at) VALUES ('retention', NULL, 0);
