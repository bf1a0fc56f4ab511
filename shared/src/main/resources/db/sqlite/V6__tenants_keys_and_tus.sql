-- Tenants, API keys and tus uploads: see PostgreSQL's V9 for what each is for.
ALTER TABLE jobs ADD COLUMN tenant TEXT NOT NULL DEFAULT 'default';
ALTER TABLE files ADD COLUMN tenant TEXT NOT NULL DEFAULT 'default';
DROP INDEX jobs_dedupe;
CREATE UNIQUE INDEX jobs_dedupe ON jobs (tenant, dedupe_key) WHERE dedupe_key IS NOT NULL AND status IN ('queued', 'retrying', 'running');
DROP INDEX files_sha256;
CREATE UNIQUE INDEX files_sha256 ON files (tenant, sha256);

CREATE TABLE api_keys (
  id             TEXT PRIMARY KEY,
  tenant         TEXT NOT NULL,
  scopes         TEXT NOT NULL,
  secret_sha256  TEXT NOT NULL,
  name           TEXT,
  created_at     INTEGER NOT NULL,
  revoked_at     INTEGER
);

CREATE TABLE server_secrets (
  name        TEXT PRIMARY KEY,
  secret      TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);

CREATE TABLE tus_uploads (
  id               TEXT PRIMARY KEY,
  tenant           TEXT NOT NULL,
  length           INTEGER NOT NULL,
  upload_offset    INTEGER NOT NULL,
  metadata         TEXT,
  options          TEXT NOT NULL,
  file_id          TEXT NOT NULL,
  blob_key         TEXT NOT NULL,
  store_upload_id  TEXT,
  part_size        INTEGER NOT NULL,
  tail_size        INTEGER NOT NULL,
  mime_type        TEXT,
  job_id           TEXT,
  deduplicated     INTEGER NOT NULL DEFAULT 0,
  lock_owner       TEXT,
  lock_expires_at  INTEGER,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  expires_at       INTEGER NOT NULL
);
CREATE INDEX tus_uploads_expires ON tus_uploads (expires_at);
