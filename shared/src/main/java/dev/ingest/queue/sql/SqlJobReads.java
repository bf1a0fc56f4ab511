package dev.ingest.queue.sql;

import dev.ingest.core.Clock;
import dev.ingest.core.Job;
import dev.ingest.core.JobError;
import dev.ingest.core.NotFoundException;
import dev.ingest.core.RetryPolicy;
import dev.ingest.queue.JobFilter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.statement.Query;

/** Reading jobs: by id (within a tenant), many at once, the live job of a file, listings, errors. */
final class SqlJobReads extends SqlQueuePart {
  SqlJobReads(Database db, Clock clock, RetryPolicy retryPolicy, java.util.function.DoubleSupplier random) {
    super(db, clock, retryPolicy, random);
  }

  public Optional<Job> find(String tenant, String jobId) {
    String sql = "SELECT * FROM jobs WHERE id = :id" + (tenant == null ? "" : " AND tenant = :tenant");
    return db.withHandle(
        h -> {
          Query q = h.createQuery(sql).bind("id", jobId);
          if (tenant != null) {
            q.bind("tenant", tenant);
          }
          return q.map(JobRowMapper.INSTANCE).findFirst();
        });
  }

  public Job get(String tenant, String jobId) {
    return find(tenant, jobId).orElseThrow(() -> new NotFoundException("no job " + jobId));
  }

  public List<Job> findAll(Collection<String> jobIds) {
    if (jobIds.isEmpty()) {
      return List.of();
    }
    return db.withHandle(
        h -> h.createQuery("SELECT * FROM jobs WHERE id IN (<ids>)")
            .bindList("ids", List.copyOf(jobIds))
            .map(JobRowMapper.INSTANCE)
            .list());
  }

  public Optional<Job> findLiveForFile(String fileId, String pipeline) {
    return db.withHandle(
        h -> h.createQuery(
                "SELECT * FROM jobs WHERE file_id = :fileId AND pipeline = :pipeline "
                    + "AND status NOT IN ('failed', 'cancelled') ORDER BY id DESC")
            .bind("fileId", fileId)
            .bind("pipeline", pipeline)
            .map(JobRowMapper.INSTANCE)
            .findFirst());
  }

  /** The newest jobs first: ids sort as jobs were created (see {@link #jobId}). */
  private static final String NEWEST_FIRST = " ORDER BY id DESC LIMIT :limit";

  static final String LIST_NEWEST = "SELECT * FROM jobs" + NEWEST_FIRST;

  public List<Job> list(JobFilter filter) {
    StringBuilder sql = new StringBuilder("SELECT * FROM jobs");
    List<String> where = new ArrayList<>();
    if (filter.status() != null) {
      where.add("status = :status");
    }
    if (filter.queue() != null) {
      where.add("queue = :queue");
    }
    if (filter.tenant() != null) {
      where.add("tenant = :tenant");
    }
    if (filter.before() != null) {
      where.add("id < :before");
    }
    if (!where.isEmpty()) {
      sql.append(" WHERE ").append(String.join(" AND ", where));
    }
    sql.append(NEWEST_FIRST);
    return db.withHandle(
        h -> {
          Query q = h.createQuery(sql.toString()).bind("limit", filter.limit());
          if (filter.status() != null) {
            q.bind("status", filter.status().wireName());
          }
          if (filter.queue() != null) {
            q.bind("queue", filter.queue());
          }
          if (filter.tenant() != null) {
            q.bind("tenant", filter.tenant());
          }
          if (filter.before() != null) {
            q.bind("before", filter.before());
          }
          return q.map(JobRowMapper.INSTANCE).list();
        });
  }

  public List<JobError> errors(String jobId) {
    return db.withHandle(
        h -> h.createQuery(
                "SELECT attempt, message, type, retryable, at FROM job_errors WHERE job_id = :id "
                    + "ORDER BY at, attempt")
            .bind("id", jobId)
            .map(
                (rs, ctx) ->
                    new JobError(
                        rs.getInt("attempt"),
                        rs.getString("message"),
                        rs.getString("type"),
                        rs.getInt("retryable") != 0,
                        Instant.ofEpochMilli(rs.getLong("at"))))
            .list());
  }
}
