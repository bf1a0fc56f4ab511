-- Tenants: every job and stored file belongs to one (an API key names its tenant; the local CLI's is
-- 'default'). Dedupe keys and identical content are matched within a tenant only, so one tenant is never
-- handed another's job or learns that another stored the same bytes. Adding a column with a constant
-- default is a catalogue change in PostgreSQL 11+, not a rewrite of the table.
ALTER TABLE jobs ADD COLUMN tenant TEXT COLLATE "C" NOT NULL DEFAULT 'default';
ALTER TABLE files ADD COLUMN tenant TEXT COLLATE "C" NOT NULL DEFAULT 'default';
DROP INDEX jobs_dedupe;
CREATE UNIQUE INDEX jobs_dedupe ON jobs (tenant, dedupe_key) WHERE dedupe_key IS NOT NULL AND status IN ('queued', 'retrying', 'running');
DROP INDEX files_sha256;
CREATE UNIQUE INDEX files_sha256 ON files (tenant, sha256);

-- API keys of the HTTP server: the secret is kept as its SHA-256 only (it is 160 random bits, so a fast hash
-- is as strong as a slow one), shown once when the key is made.
CREATE TABLE api_keys (
  id             TEXT COLLATE "C" PRIMARY KEY,
  tenant         TEXT NOT NULL,
  scopes         TEXT NOT NULL,
  secret_sha256  TEXT NOT NULL,
  name           TEXT,
  created_at     BIGINT NOT NULL,
  revoked_at     BIGINT
);

-- Secrets every server process shares, such as the key that signs short-lived job tokens.
CREATE TABLE server_secrets (
  name        TEXT PRIMARY KEY,
  secret      TEXT NOT NULL,
  created_at  BIGINT NOT NULL
);

-- tus resumable uploads: the committed offset, the store's multipart upload and the bytes short of a whole
-- part (kept as an object in the store, never in a server's memory), so any server process can continue
-- an upload. Its parts are recorded in upload_parts under the upload's id. lock_owner fences the one
-- request writing the upload at a time.
CREATE TABLE tus_uploads (
  id               TEXT COLLATE "C" PRIMARY KEY,
  tenant           TEXT COLLATE "C" NOT NULL,
  length           BIGINT NOT NULL,
  upload_offset    BIGINT NOT NULL,
  metadata         TEXT,
  options          TEXT NOT NULL,
  file_id          TEXT NOT NULL,
  blob_key         TEXT NOT NULL,
  store_upload_id  TEXT,
  part_size        BIGINT NOT NULL,
  tail_size        BIGINT NOT NULL,
  mime_type        TEXT,
  job_id           TEXT,
  deduplicated     INTEGER NOT NULL DEFAULT 0,
  lock_owner       TEXT,
  lock_expires_at  BIGINT,
  created_at       BIGINT NOT NULL,
  updated_at       BIGINT NOT NULL,
  expires_at       BIGINT NOT NULL
);
CREATE INDEX tus_uploads_expires ON tus_uploads (expires_at);
