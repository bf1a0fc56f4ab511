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
  public String orderedRowLocking() {
    return "FOR UPDATE";
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
