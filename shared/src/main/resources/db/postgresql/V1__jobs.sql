CREATE TABLE jobs (
  id                TEXT PRIMARY KEY,
  queue             TEXT NOT NULL,
  pipeline          TEXT NOT NULL,
  status            TEXT NOT NULL,
  priority          INTEGER NOT NULL DEFAULT 0,
  attempts          INTEGER NOT NULL DEFAULT 0,
  max_attempts      INTEGER NOT NULL,
  dedupe_key        TEXT,
  file_id           TEXT,
  payload           TEXT,
  run_at            BIGINT NOT NULL,
  lease_owner       TEXT,
  lease_expires_at  BIGINT,
  cancel_requested  INTEGER NOT NULL DEFAULT 0,
  progress_percent  INTEGER NOT NULL DEFAULT 0,
  progress_stage    TEXT,
  progress_message  TEXT,
  result            TEXT,
  error_message     TEXT,
  error_type        TEXT,
  error_retryable   INTEGER,
  created_at        BIGINT NOT NULL,
  started_at        BIGINT,
  finished_at       BIGINT,
  updated_at        BIGINT NOT NULL
);
CREATE INDEX jobs_due ON jobs (priority DESC, run_at, id) WHERE status IN ('queued', 'retrying');
CREATE INDEX jobs_due_by_queue ON jobs (queue, priority DESC, run_at, id) WHERE status IN ('queued', 'retrying');
CREATE INDEX jobs_leases ON jobs (lease_expires_at) WHERE status = 'running';
CREATE INDEX jobs_owner ON jobs (lease_owner) WHERE status = 'running';
CREATE UNIQUE INDEX jobs_dedupe ON jobs (dedupe_key) WHERE dedupe_key IS NOT NULL AND status IN ('queued', 'retrying', 'running');
CREATE INDEX jobs_file ON jobs (file_id, pipeline) WHERE file_id IS NOT NULL;
CREATE INDEX jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL;
CREATE INDEX jobs_created ON jobs (created_at);

CREATE TABLE job_errors (
  job_id     TEXT NOT NULL,
  attempt    INTEGER NOT NULL,
  message    TEXT NOT NULL,
  type       TEXT NOT NULL,
  retryable  INTEGER NOT NULL,
  at         BIGINT NOT NULL
);
CREATE INDEX job_errors_job ON job_errors (job_id);

CREATE TABLE workers (
  id          TEXT PRIMARY KEY,
  host        TEXT NOT NULL,
  pid         BIGINT NOT NULL,
  queues      TEXT NOT NULL,
  concurrency INTEGER NOT NULL,
  heartbeat_ms INTEGER NOT NULL,
  started_at  BIGINT NOT NULL,
  last_seen   BIGINT NOT NULL
);

CREATE TABLE files (
  id          TEXT PRIMARY KEY,
  sha256      TEXT NOT NULL,
  size        BIGINT NOT NULL,
  blob_key    TEXT NOT NULL,
  name        TEXT NOT NULL,
  mime_type   TEXT,
  created_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX files_sha256 ON files (sha256);
CREATE INDEX files_size ON files (size);

CREATE TABLE upload_sessions (
  id          TEXT PRIMARY KEY,
  path        TEXT NOT NULL,
  size        BIGINT NOT NULL,
  mtime       BIGINT NOT NULL,
  file_id     TEXT NOT NULL,
  blob_key    TEXT NOT NULL,
  upload_id   TEXT NOT NULL,
  part_size   BIGINT NOT NULL,
  created_at  BIGINT NOT NULL,
  updated_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX upload_sessions_path ON upload_sessions (path);

CREATE TABLE upload_parts (
  session_id   TEXT NOT NULL,
  part_number  INTEGER NOT NULL,
  etag         TEXT NOT NULL,
  checksum     TEXT NOT NULL,
  size         BIGINT NOT NULL,
  PRIMARY KEY (session_id, part_number)
);
