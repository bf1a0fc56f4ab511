package dev.ingest.queue.sql;

import dev.ingest.core.Clock;
import dev.ingest.core.LeaseLostException;
import dev.ingest.core.RetryPolicy;
import dev.ingest.queue.Failure;
import dev.ingest.queue.Lease;
import java.util.Map;
import java.util.function.DoubleSupplier;
import org.jdbi.v3.core.Handle;

/**
 * What the pieces of {@link SqlJobQueue} share: the database, the queue's clock, the retry policy, the
 * status sets their SQL names, and the fence every write of a worker about a job carries.
 */
abstract class SqlQueuePart {
  static final String UNFINISHED = "('queued', 'retrying', 'running')";
  /** "Is running" in the form that cannot select the partial jobs_owner index (see {@link #fence()}). */
  static final String RUNNING_BY_ID = "lease_owner IS NOT NULL";
  static final String DUE = "('queued', 'retrying')";
  static final String FINISHED = "('completed', 'failed', 'cancelled')";

  final Database db;
  final Clock clock;
  final RetryPolicy retryPolicy;
  final DoubleSupplier random;

  SqlQueuePart(Database db, Clock clock, RetryPolicy retryPolicy, DoubleSupplier random) {
    this.db = db;
    this.clock = clock;
    this.retryPolicy = retryPolicy;
    this.random = random;
  }

  long now() {
    return clock.now().toEpochMilli();
  }

  static void recordError(Handle h, String jobId, int attempt, Failure failure, long now) {
    h.createUpdate(
            "INSERT INTO job_errors (job_id, attempt, message, type, retryable, at) "
                + "VALUES (:id, :attempt, :message, :type, :retryable, :at)")
        .bind("id", jobId)
        .bind("attempt", attempt)
        .bind("message", failure.message())
        .bind("type", failure.type())
        .bind("retryable", failure.retryable() ? 1 : 0)
        .bind("at", now)
        .execute();
  }

  static String fence() {
    // why: a job has a lease owner exactly while it is running (every write that ends a run clears it), so
    // owner + attempt fence the write and the row is found by id. The status is deliberately not named:
    // "status = 'running'" matches the predicate of the partial jobs_owner index, and PostgreSQL's planner,
    // which costs that index as tiny, then read all of it with the id as a filter. The index keeps an entry
    // for every job any owner claimed until vacuum reaches it, so each completion walked tens of thousands of
    // dead entries and throughput fell from ~10,000 to ~1,300 jobs/s (EXPLAIN of the generic plan showed it).
    return "WHERE id = :fenceId AND lease_owner = :fenceOwner AND attempts = :fenceAttempt";
  }

  static Map<String, Object> fenceArgs(Lease lease) {
    return Map.of("fenceId", lease.jobId(), "fenceOwner", lease.owner(), "fenceAttempt", lease.attempt());
  }

  static void requireFenced(int rows, Lease lease) {
    if (rows != 1) {
      throw new LeaseLostException(lease.jobId(), lease.attempt());
    }
  }
}
