package dev.ingest.queue.sql;

import dev.ingest.core.Clock;
import dev.ingest.core.IllegalTransitionException;
import dev.ingest.core.InvalidInputException;
import dev.ingest.core.Job;
import dev.ingest.core.JobStatus;
import dev.ingest.core.RetryPolicy;
import dev.ingest.queue.QueueStats;
import dev.ingest.queue.WorkerInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.statement.Query;

/** Steering and upkeep: cancel, retry, counts and statistics, the worker registry, retention. */
final class SqlJobAdmin extends SqlQueuePart {
  private final SqlJobReads reads;

  SqlJobAdmin(Database db, Clock clock, RetryPolicy retryPolicy, java.util.function.DoubleSupplier random, SqlJobReads reads) {
    super(db, clock, retryPolicy, random);
    this.reads = reads;
  }

  public Job cancel(String tenant, String jobId) {
    for (int round = 0; round < 10; round++) {
      Job job = reads.get(tenant, jobId);
      long now = now();
      int rows;
      switch (job.status()) {
        case QUEUED:
        case RETRYING:
          rows =
              db.withHandle(
                  h -> h.createUpdate(
                          "UPDATE jobs SET status = 'cancelled', finished_at = :now, updated_at = :now "
                              + "WHERE id = :id AND status IN " + DUE)
                      .bind("now", now)
                      .bind("id", jobId)
                      .execute());
          break;
        case RUNNING:
          rows =
              db.withHandle(
                  h -> h.createUpdate(
                          "UPDATE jobs SET cancel_requested = 1, updated_at = :now WHERE id = :id AND "
                              + RUNNING_BY_ID)
                      .bind("now", now)
                      .bind("id", jobId)
                      .execute());
          break;
        default:
          throw new IllegalTransitionException(jobId, job.status(), JobStatus.CANCELLED);
      }
      if (rows == 1) {
        return reads.get(tenant, jobId);
      }
      // the job moved between our read and our write: look again
    }
    throw new IllegalStateException("job " + jobId + " kept changing state while being cancelled");
  }

  public Job retry(String tenant, String jobId) {
    Job job = reads.get(tenant, jobId);
    if (job.status() != JobStatus.FAILED && job.status() != JobStatus.CANCELLED) {
      throw new IllegalTransitionException(jobId, job.status(), JobStatus.QUEUED);
    }
    long now = now();
    int rows =
        db.onDuplicate(
            () -> db.jdbi().withHandle(
                h -> h.createUpdate(
                        "UPDATE jobs SET status = 'queued', attempts = 0, run_at = :now, updated_at = :now, "
                            + "finished_at = NULL, cancel_requested = 0, progress_percent = 0, "
                            + "progress_stage = NULL, progress_message = NULL, result = NULL "
                            + "WHERE id = :id AND status = :from")
                    .bind("now", now)
                    .bind("id", jobId)
                    .bind("from", job.status().wireName())
                    .execute()),
            e -> {
              throw new InvalidInputException(
                  "cannot retry " + jobId + ": another unfinished job holds its dedupe key '" + job.dedupeKey() + "'");
            });
    if (rows != 1) {
      throw new IllegalTransitionException(jobId, reads.get(tenant, jobId).status(), JobStatus.QUEUED);
    }
    db.withHandle(h -> {
      db.dialect().notifyJobs(h, List.of(job.queue()));
      return null;
    });
    return reads.get(tenant, jobId);
  }

  public long countDue(Collection<String> queues) {
    String queueFilter = queues.isEmpty() ? "" : " AND queue IN (<queues>)";
    return db.withHandle(
        h -> {
          Query q =
              h.createQuery("SELECT COUNT(*) FROM jobs WHERE status IN " + DUE + " AND run_at <= :now" + queueFilter)
                  .bind("now", now());
          if (!queues.isEmpty()) {
            q.bindList("queues", List.copyOf(queues));
          }
          return q.mapTo(Long.class).one();
        });
  }

  public QueueStats stats(String tenant) {
    long now = now();
    String mine = tenant == null ? "" : " AND tenant = :tenant";
    return db.withHandle(
        h -> {
          Map<String, Map<String, Long>> counts = new TreeMap<>();
          bindTenant(h.createQuery("SELECT queue, status, COUNT(*) AS n FROM jobs WHERE 1 = 1" + mine + " GROUP BY queue, status"), tenant)
              .map((rs, ctx) -> new Object[] {rs.getString("queue"), rs.getString("status"), rs.getLong("n")})
              .forEach(r -> counts.computeIfAbsent((String) r[0], q -> new TreeMap<>()).put((String) r[1], (Long) r[2]));
          Map<String, Duration> oldest = new TreeMap<>();
          bindTenant(h.createQuery(
                  "SELECT queue, MIN(run_at) AS due FROM jobs WHERE status IN " + DUE
                      + " AND run_at <= :now" + mine + " GROUP BY queue"), tenant)
              .bind("now", now)
              .map((rs, ctx) -> Map.entry(rs.getString("queue"), Duration.ofMillis(now - rs.getLong("due"))))
              .forEach(e -> oldest.put(e.getKey(), e.getValue()));
          List<WorkerInfo> workers =
              h.createQuery(
                      "SELECT * FROM workers WHERE last_seen >= :now - 3 * heartbeat_ms ORDER BY started_at")
                  .bind("now", now)
                  .map(
                      (rs, ctx) ->
                          new WorkerInfo(
                              rs.getString("id"),
                              rs.getString("host"),
                              rs.getLong("pid"),
                              rs.getString("queues"),
                              rs.getInt("concurrency"),
                              Duration.ofMillis(rs.getLong("heartbeat_ms")),
                              Instant.ofEpochMilli(rs.getLong("started_at")),
                              Instant.ofEpochMilli(rs.getLong("last_seen"))))
                  .list();
          Map<String, QueueStats.Throughput> throughput = new TreeMap<>();
          bindTenant(h.createQuery(
                  "SELECT queue, "
                      + "SUM(CASE WHEN finished_at >= :m1 THEN 1 ELSE 0 END) AS a, "
                      + "SUM(CASE WHEN finished_at >= :m5 THEN 1 ELSE 0 END) AS b, "
                      + "COUNT(*) AS c FROM jobs WHERE finished_at >= :m15 AND status IN ('completed', 'failed')"
                      + mine + " GROUP BY queue"), tenant)
              .bind("m1", now - 60_000)
              .bind("m5", now - 300_000)
              .bind("m15", now - 900_000)
              .map((rs, ctx) -> Map.entry(rs.getString("queue"), new QueueStats.Throughput(rs.getLong("a"), rs.getLong("b"), rs.getLong("c"))))
              .forEach(e -> throughput.put(e.getKey(), e.getValue()));
          return new QueueStats(counts, oldest, workers, throughput);
        });
  }

  private static Query bindTenant(Query query, String tenant) {
    return tenant == null ? query : query.bind("tenant", tenant);
  }

  public void registerWorker(WorkerInfo worker) {
    long now = now();
    db.withHandle(
        h -> {
          h.createUpdate("DELETE FROM workers WHERE last_seen < :cutoff").bind("cutoff", now - Duration.ofDays(1).toMillis()).execute();
          return h.createUpdate(
                  "INSERT INTO workers (id, host, pid, queues, concurrency, heartbeat_ms, started_at, last_seen) "
                      + "VALUES (:id, :host, :pid, :queues, :concurrency, :heartbeat, :now, :now)")
              .bind("id", worker.id())
              .bind("host", worker.host())
              .bind("pid", worker.pid())
              .bind("queues", worker.queues())
              .bind("concurrency", worker.concurrency())
              .bind("heartbeat", worker.heartbeat().toMillis())
              .bind("now", now)
              .execute();
        });
  }

  public void unregisterWorker(String workerId) {
    db.withHandle(h -> h.createUpdate("DELETE FROM workers WHERE id = :id").bind("id", workerId).execute());
  }

  public List<String> finishedBefore(String tenant, Instant cutoff, int limit) {
    return db.withHandle(
        h -> bindTenant(h.createQuery(
                "SELECT id FROM jobs WHERE status IN " + FINISHED + " AND finished_at < :cutoff"
                    + (tenant == null ? "" : " AND tenant = :tenant") + " ORDER BY finished_at LIMIT :limit"), tenant)
            .bind("cutoff", cutoff.toEpochMilli())
            .bind("limit", limit)
            .mapTo(String.class)
            .list());
  }

  public int deleteFinished(Collection<String> jobIds) {
    if (jobIds.isEmpty()) {
      return 0;
    }
    return db.inTransaction(
        h -> {
          h.createUpdate(
                  "DELETE FROM job_errors WHERE job_id IN (SELECT id FROM jobs WHERE id IN (<ids>) AND status IN "
                      + FINISHED + ")")
              .bindList("ids", List.copyOf(jobIds))
              .execute();
          h.createUpdate("DELETE FROM job_events WHERE job_id IN (<ids>)").bindList("ids", List.copyOf(jobIds)).execute();
          return h.createUpdate("DELETE FROM jobs WHERE id IN (<ids>) AND status IN " + FINISHED)
              .bindList("ids", List.copyOf(jobIds))
              .execute();
        });
  }
}
