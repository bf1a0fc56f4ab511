-- An outbox of terminal states (completed, failed, cancelled), written by a trigger in the same transaction
-- as the change, whichever path made it (worker, CLI cancel, lease reclaim). Only while someone subscribed
-- (workers with webhooks configured), so a queue without webhooks pays nothing but the trigger's check.
-- Webhook deliveries are jobs themselves and do not raise events.
CREATE TABLE job_events (
  id          BIGSERIAL PRIMARY KEY,
  job_id      TEXT NOT NULL,
  status      TEXT NOT NULL,
  created_at  BIGINT NOT NULL
);
CREATE TABLE event_subscriptions (
  name        TEXT PRIMARY KEY,
  updated_at  BIGINT NOT NULL
);
CREATE FUNCTION ingest_job_finished_event() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF EXISTS (SELECT 1 FROM event_subscriptions) THEN INSERT INTO job_events (job_id, status, created_at) VALUES (NEW.id, NEW.status, NEW.updated_at); END IF; RETURN NULL; END $$;
CREATE TRIGGER jobs_finished_event AFTER UPDATE OF status ON jobs
FOR EACH ROW WHEN (NEW.status IN ('completed', 'failed', 'cancelled') AND OLD.status IS DISTINCT FROM NEW.status
  AND NEW.pipeline <> 'webhook')
EXECUTE FUNCTION ingest_job_finished_event();
