package dev.ingest.queue.sql;

import dev.ingest.core.Clock;
import dev.ingest.core.JobProgress;
import dev.ingest.core.JobStatus;
import dev.ingest.core.LeaseLostException;
import dev.ingest.core.RetryPolicy;
import dev.ingest.queue.Failure;
import dev.ingest.queue.Lease;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.statement.PreparedBatch;

/** How attempts end, each write fenced by the lease: progress, completion (one or a batch), failure, cancellation, hand-back. */
final class SqlOutcomes extends SqlQueuePart {
  private static final String COMPLETE =
      "UPDATE jobs SET status = 'completed', result = :result, finished_at = :now, "
          + "updated_at = :now, progress_percent = 100, lease_owner = NULL, lease_expires_at = NULL, "
          + "error_message = NULL, error_type = NULL, error_retryable = NULL ";

  private final SqlEnqueue enqueue;

  SqlOutcomes(Database db, Clock clock, RetryPolicy retryPolicy, java.util.function.DoubleSupplier random, SqlEnqueue enqueue) {
    super(db, clock, retryPolicy, random);
    this.enqueue = enqueue;
  }

  public boolean reportProgress(Lease lease, JobProgress progress) {
    Optional<Integer> cancel =
        db.withHandle(
            h -> h.createQuery(
                    "UPDATE jobs SET progress_percent = :percent, progress_stage = :stage, "
                        + "progress_message = :message, updated_at = :now " + fence()
                        + " RETURNING cancel_requested")
                .bind("percent", progress.percent())
                .bind("stage", progress.stage())
                .bind("message", progress.message())
                .bind("now", now())
                .bindMap(fenceArgs(lease))
                .mapTo(Integer.class)
                .findFirst());
    return cancel.orElseThrow(() -> new LeaseLostException(lease.jobId(), lease.attempt())) != 0;
  }

  public void complete(Lease lease, String resultJson) {
    if (!completeAll(List.of(new dev.ingest.queue.Completion(lease, resultJson))).isEmpty()) {
      throw new LeaseLostException(lease.jobId(), lease.attempt());
    }
  }

  public java.util.Set<String> completeAll(List<dev.ingest.queue.Completion> completions) {
    if (completions.isEmpty()) {
      return java.util.Set.of();
    }
    long now = now();
    java.util.Set<String> lost = new java.util.HashSet<>();
    List<dev.ingest.queue.Completion> plain = new java.util.ArrayList<>();
    for (dev.ingest.queue.Completion c : completions) {
      if (c.followUps().isEmpty()) {
        plain.add(c);
      } else if (!completeWithFollowUps(c, now)) {
        lost.add(c.lease().jobId());
      }
    }
    if (plain.isEmpty()) {
      return lost;
    }
    List<dev.ingest.queue.Completion> ordered = sortedById(plain);
    Optional<String> fromArrays = db.dialect().completeJobsFromArrays();
    if (fromArrays.isPresent()) {
      lost.addAll(completeFromArrays(fromArrays.get(), ordered, now));
      return lost;
    }
    int[] rows =
        db.inTransaction(
            h -> {
              PreparedBatch batch = h.prepareBatch(COMPLETE + fence());
              for (dev.ingest.queue.Completion c : ordered) {
                batch.bind("result", c.resultJson()).bind("now", now).bindMap(fenceArgs(c.lease())).add();
              }
              return batch.execute();
            });
    for (int i = 0; i < rows.length; i++) {
      if (rows[i] != 1) {
        lost.add(ordered.get(i).lease().jobId());
      }
    }
    return lost;
  }

  /**
   * Completes one job and enqueues its follow-ups in one transaction: they exist exactly when the completion
   * does, however the worker dies. False when the lease was lost (then neither happened).
   */
  private boolean completeWithFollowUps(dev.ingest.queue.Completion c, long now) {
    return db.inTransaction(
        h -> {
          int rows =
              h.createUpdate(COMPLETE + fence())
                  .bind("result", c.resultJson())
                  .bind("now", now)
                  .bindMap(fenceArgs(c.lease()))
                  .execute();
          if (rows != 1) {
            return false;
          }
          enqueue.insertAll(h, c.followUps());
          return true;
        });
  }

  private java.util.Set<String> completeFromArrays(String sql, List<dev.ingest.queue.Completion> sorted, long now) {
    int n = sorted.size();
    String[] ids = new String[n], owners = new String[n], results = new String[n];
    Integer[] attempts = new Integer[n];
    for (int i = 0; i < n; i++) {
      Lease lease = sorted.get(i).lease();
      ids[i] = lease.jobId();
      owners[i] = lease.owner();
      attempts[i] = lease.attempt();
      results[i] = sorted.get(i).resultJson();
    }
    java.util.Set<String> completed =
        db.withConnection(
            c -> {
              java.util.Set<String> done = new java.util.HashSet<>();
              try (java.sql.PreparedStatement update = c.prepareStatement(sql)) {
                update.setLong(1, now);
                update.setLong(2, now);
                update.setArray(3, c.createArrayOf("text", ids));
                update.setArray(4, c.createArrayOf("text", owners));
                update.setArray(5, c.createArrayOf("int4", attempts));
                update.setArray(6, c.createArrayOf("text", results));
                try (java.sql.ResultSet rs = update.executeQuery()) {
                  while (rs.next()) {
                    done.add(rs.getString(1));
                  }
                }
              }
              return done;
            });
    java.util.Set<String> lost = new java.util.HashSet<>();
    for (String id : ids) {
      if (!completed.contains(id)) {
        lost.add(id);
      }
    }
    return lost;
  }

  private static List<dev.ingest.queue.Completion> sortedById(List<dev.ingest.queue.Completion> completions) {
    return completions.stream()
        .sorted(Comparator.comparing((dev.ingest.queue.Completion c) -> c.lease().jobId()))
        .toList();
  }

  public JobStatus fail(Lease lease, Failure failure) {
    long now = now();
    long runAt = now + retryPolicy.delayAfter(lease.attempt(), random).toMillis();
    String status =
        db.inTransaction(
            h -> {
              Optional<String> next =
                  h.createQuery(
                          "UPDATE jobs SET status = CASE WHEN :retryable = 1 AND attempts < max_attempts "
                              + "THEN 'retrying' ELSE 'failed' END, "
                              + "run_at = :runAt, "
                              + "finished_at = CASE WHEN :retryable = 1 AND attempts < max_attempts "
                              + "THEN NULL ELSE :now END, "
                              + "error_message = :message, error_type = :type, error_retryable = :retryable, "
                              + "lease_owner = NULL, lease_expires_at = NULL, updated_at = :now " + fence()
                              + " RETURNING status")
                      .bind("retryable", failure.retryable() ? 1 : 0)
                      .bind("runAt", runAt)
                      .bind("now", now)
                      .bind("message", failure.message())
                      .bind("type", failure.type())
                      .bindMap(fenceArgs(lease))
                      .mapTo(String.class)
                      .findFirst();
              if (next.isPresent()) {
                recordError(h, lease.jobId(), lease.attempt(), failure, now);
              }
              return next.orElse(null);
            });
    if (status == null) {
      throw new LeaseLostException(lease.jobId(), lease.attempt());
    }
    return JobStatus.fromWire(status);
  }

  public void markCancelled(Lease lease) {
    long now = now();
    int rows =
        db.withHandle(
            h -> h.createUpdate(
                    "UPDATE jobs SET status = 'cancelled', finished_at = :now, updated_at = :now, "
                        + "lease_owner = NULL, lease_expires_at = NULL " + fence())
                .bind("now", now)
                .bindMap(fenceArgs(lease))
                .execute());
    requireFenced(rows, lease);
  }

  public void release(Lease lease) {
    long now = now();
    int rows =
        db.withHandle(
            h -> h.createUpdate(
                    "UPDATE jobs SET status = 'queued', attempts = attempts - 1, run_at = :now, updated_at = :now, "
                        + "lease_owner = NULL, lease_expires_at = NULL, progress_percent = 0, "
                        + "progress_stage = NULL, progress_message = NULL " + fence())
                .bind("now", now)
                .bindMap(fenceArgs(lease))
                .execute());
    requireFenced(rows, lease);
    db.withHandle(h -> {
      db.dialect().notifyJobs(h, List.of(lease.job().queue()));
      return null;
    });
  }
}
