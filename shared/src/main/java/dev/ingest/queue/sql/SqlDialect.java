package dev.ingest.queue.sql;

import java.sql.SQLException;
import org.jdbi.v3.core.Handle;

/** Everything that differs between the SQL engines ingest runs on. Nothing else may ask which engine it is. */
public interface SqlDialect {

  /** Folder of the versioned schema scripts under {@code db/}. */
  String name();

  /**
   * Appended to a select of rows to write: locks them, skipping rows other transactions hold, so concurrent
   * claimers pass each other and heartbeats and the lease reaper never wait for a row lock. Batch
   * completions are then the only multi-row writers that wait, and cannot deadlock.
   */
  String claimLocking();

  /** Serialises schema migrations between processes, for the current transaction. */
  void lockForMigration(Handle handle);

  /** Whether the error is a unique-constraint violation. */
  boolean isUniqueViolation(SQLException e);

  /** Whether the error means another process holds the database and the busy wait ran out. */
  boolean isBusy(SQLException e);

  /** A query for the server's clock in epoch milliseconds, when all hosts must share one clock. */
  java.util.Optional<String> serverTimeQuery();

  /** Tells listening workers, within the current transaction, that these queues received due jobs. */
  void notifyJobs(Handle handle, java.util.Collection<String> queues);

  /**
   * {@code insert} (one row, in autocommit) as a statement that also tells listening workers the row's
   * {@code queueColumn} received a job, in the same round trip; the insert itself where nobody listens.
   */
  String insertAndNotify(String insert, String queueColumn);

  /**
   * One statement that inserts a batch of jobs from one array parameter per column and tells listening
   * workers their queues received jobs, where the engine has array parameters; empty where it has none, and
   * the rows then go as a JDBC batch of single-row INSERTs. Parameters, in order: run_at, created_at and
   * updated_at (one value for the batch), then arrays of id, queue, pipeline (text), priority, max_attempts
   * (int), dedupe_key, file_id, payload and tenant (text).
   */
  java.util.Optional<String> insertJobsFromArrays();

  /**
   * One statement that completes a batch of leased jobs, fenced as single completions are, from array
   * parameters, returning the ids it completed; empty where the engine has no array parameters. Parameters:
   * finished_at/updated_at (one value), then arrays of id, lease owner (text), attempt (int) and result
   * (text), sorted by id.
   */
  java.util.Optional<String> completeJobsFromArrays();

  /**
   * Makes sure finished jobs are recorded in the {@code job_events} outbox from now on, within the
   * current transaction; called when a subscriber registers.
   */
  void recordEvents(Handle handle);

  /** Push notification of new jobs, over connections {@code connect} opens outside the pool. */
  dev.ingest.queue.Wakeups wakeups(java.util.function.Supplier<java.sql.Connection> connect);
}
