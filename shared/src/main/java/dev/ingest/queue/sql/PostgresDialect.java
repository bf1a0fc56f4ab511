package dev.ingest.queue.sql;

import java.sql.SQLException;
import org.jdbi.v3.core.Handle;

/** PostgreSQL: concurrent claimers skip each other's locked rows instead of queueing behind them. */
public final class PostgresDialect implements SqlDialect {
  private static final long MIGRATION_LOCK_KEY = 0x696e67657374L; // "ingest"

  @Override
  public String name() {
    return "postgresql";
  }

  @Override
  public String claimLocking() {
    return "FOR UPDATE SKIP LOCKED";
  }

  @Override
  public void lockForMigration(Handle handle) {
    handle.execute("SELECT pg_advisory_xact_lock(?)", MIGRATION_LOCK_KEY);
  }

  @Override
  public boolean isUniqueViolation(SQLException e) {
    return "23505".equals(e.getSQLState());
  }

  @Override
  public boolean isBusy(SQLException e) {
    return "55P03".equals(e.getSQLState()) || "40001".equals(e.getSQLState());
  }

  @Override
  public java.util.Optional<String> serverTimeQuery() {
    return java.util.Optional.of("SELECT (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::bigint");
  }

  @Override
  public void notifyJobs(Handle handle, java.util.Collection<String> queues) {
    for (String queue : queues) {
      handle.createQuery("SELECT pg_notify(:channel, :queue)::text")
          .bind("channel", PostgresListener.CHANNEL)
          .bind("queue", queue)
          .mapTo(String.class)
          .one();
    }
  }

  @Override
  public dev.ingest.queue.Wakeups wakeups(java.util.function.Supplier<java.sql.Connection> connect) {
    return new PostgresListener(connect);
  }

  @Override
  public String insertAndNotify(String insert, String queueColumn) {
    return "WITH inserted AS (" + insert + " RETURNING " + queueColumn + ") "
        + "SELECT pg_notify('" + PostgresListener.CHANNEL + "', " + queueColumn + ") FROM inserted";
  }

  /**
   * why: one statement per batch: the planner sees one function scan, not a VALUES list of thousands of
   * parameters, and the notification rides in the same round trip. Measured on 50,000 jobs in batches of
   * 1,000 from plain JDBC: 66,000 jobs/s with rewritten multi-row INSERTs, 73,000-75,000 with this.
   */
  @Override
  public java.util.Optional<String> insertJobsFromArrays() {
    return java.util.Optional.of(
        "WITH inserted AS (INSERT INTO jobs (id, queue, pipeline, status, priority, attempts, max_attempts, "
            + "dedupe_key, file_id, payload, run_at, created_at, updated_at, tenant) "
            + "SELECT id, queue, pipeline, 'queued', priority, 0, max_attempts, dedupe_key, file_id, payload, ?, ?, ?, "
            + "tenant FROM unnest(?::text[], ?::text[], ?::text[], ?::int[], ?::int[], ?::text[], ?::text[], "
            + "?::text[], ?::text[]) AS t(id, queue, pipeline, priority, max_attempts, dedupe_key, file_id, payload, "
            + "tenant) RETURNING queue) "
            + "SELECT pg_notify('" + PostgresListener.CHANNEL + "', queue) FROM (SELECT DISTINCT queue FROM inserted) q");
  }

  /**
   * why: a batch of single-row UPDATEs paid the executor's start-up per job (~7 % of the server's CPU while
   * processing, perf). The fence is the single completion's: id, lease owner and attempt. The join may lock
   * rows in any order (a hash join on a small table does); no other multi-row write waits for row locks
   * ({@link #claimLocking()}), so that cannot deadlock.
   */
  @Override
  public java.util.Optional<String> completeJobsFromArrays() {
    return java.util.Optional.of(
        "UPDATE jobs SET status = 'completed', result = c.result, finished_at = ?, updated_at = ?, "
            + "progress_percent = 100, lease_owner = NULL, lease_expires_at = NULL, "
            + "error_message = NULL, error_type = NULL, error_retryable = NULL "
            + "FROM unnest(?::text[], ?::text[], ?::int[], ?::text[]) AS c(id, owner, attempt, result) "
            + "WHERE jobs.id = c.id AND jobs.lease_owner = c.owner AND jobs.attempts = c.attempt "
            + "RETURNING jobs.id");
  }

  /**
   * Creates the outbox trigger unless it exists (the function and the trigger's definition are migration
   * V6's): it is only there while someone subscribes, since it costs a function call and a query for every
   * finished job. Under the migration lock, so workers starting together do not both create it.
   */
  @Override
  public void recordEvents(Handle handle) {
    lockForMigration(handle);
    handle.createQuery("SELECT ingest_record_job_events()::text").mapTo(String.class).one();
  }
}
