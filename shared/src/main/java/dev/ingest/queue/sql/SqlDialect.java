package dev.ingest.queue.sql;

import java.sql.SQLException;
import org.jdbi.v3.core.Handle;

/** Everything that differs between the SQL engines ingest runs on. Nothing else may ask which engine it is. */
public interface SqlDialect {

  /** Folder of the versioned schema scripts under {@code db/}. */
  String name();

  /** Appended to the claim sub-select: row locks that let concurrent claimers pass each other. */
  String claimLocking();

  /**
   * Appended to a sub-select ordered by id: locks its rows in that order, so that statements updating
   * many rows of one worker never deadlock with each other.
   */
  String orderedRowLocking();

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
   * Makes sure finished jobs are recorded in the {@code job_events} outbox from now on, within the
   * current transaction; called when a subscriber registers.
   */
  void recordEvents(Handle handle);

  /** Push notification of new jobs, over connections {@code connect} opens outside the pool. */
  dev.ingest.queue.Wakeups wakeups(java.util.function.Supplier<java.sql.Connection> connect);
}
