package dev.ingest.queue.sql;

import java.sql.SQLException;
import org.jdbi.v3.core.Handle;

/**
 * SQLite: one writer at a time, so a claim is a single UPDATE statement in its own write transaction and
 * needs no row locks. Transactions start IMMEDIATE, which takes the write lock up front and lets the busy
 * timeout do the waiting instead of failing on a lock upgrade.
 */
public final class SqliteDialect implements SqlDialect {
  /** How often a listening worker asks whether another connection committed. */
  static final java.time.Duration WATCH_INTERVAL = java.time.Duration.ofMillis(4);

  @Override
  public String name() {
    return "sqlite";
  }

  @Override
  public String claimLocking() {
    return "";
  }

  @Override
  public void lockForMigration(Handle handle) {
    // why: the IMMEDIATE transaction already holds the database's only write lock.
  }

  @Override
  public boolean isUniqueViolation(SQLException e) {
    String message = String.valueOf(e.getMessage());
    return message.contains("SQLITE_CONSTRAINT_UNIQUE") || message.contains("UNIQUE constraint failed");
  }

  @Override
  public boolean isBusy(SQLException e) {
    String message = String.valueOf(e.getMessage());
    return message.contains("SQLITE_BUSY") || message.contains("database is locked");
  }

  @Override
  public java.util.Optional<String> serverTimeQuery() {
    return java.util.Optional.empty(); // one host, one clock
  }

  @Override
  public void notifyJobs(Handle handle, java.util.Collection<String> queues) {
    // why: SQLite cannot push; listening workers watch PRAGMA data_version instead.
  }

  @Override
  public dev.ingest.queue.Wakeups wakeups(java.util.function.Supplier<java.sql.Connection> connect) {
    return new SqliteChangeWatcher(connect, WATCH_INTERVAL);
  }

  @Override
  public String insertAndNotify(String insert, String queueColumn) {
    return insert; // why: SQLite cannot push; listening workers watch PRAGMA data_version instead.
  }

  @Override
  public java.util.Optional<String> insertJobsFromArrays() {
    return java.util.Optional.empty(); // no array parameters; a JDBC batch in one transaction is as fast here
  }

  @Override
  public java.util.Optional<String> completeJobsFromArrays() {
    return java.util.Optional.empty();
  }

  @Override
  public void recordEvents(Handle handle) {
    // why: SQLite's trigger checks for subscribers in its WHEN clause, inline and cheap; it always exists.
  }
}
