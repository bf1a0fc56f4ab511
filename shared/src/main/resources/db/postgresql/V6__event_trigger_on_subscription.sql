-- The outbox trigger called a PL/pgSQL function, which ran a query, for every job that finished, even
-- with nobody subscribed: about a tenth of the server's CPU at 17,000 jobs/s (perf). It now exists only
-- once a subscriber registers (SqlJobQueue.subscribeToEvents creates it); kept where one already has.
DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM event_subscriptions) THEN DROP TRIGGER jobs_finished_event ON jobs; END IF; END $$;
