package dev.ingest.queue.sql;

import dev.ingest.core.Clock;
import dev.ingest.core.Ids;
import dev.ingest.core.IllegalTransitionException;
import dev.ingest.core.InvalidInputException;
import dev.ingest.core.Job;
import dev.ingest.core.JobError;
import dev.ingest.core.JobProgress;
import dev.ingest.core.JobStatus;
import dev.ingest.core.LeaseLostException;
import dev.ingest.core.NewJob;
import dev.ingest.core.NotFoundException;
import dev.ingest.core.RetryPolicy;
import dev.ingest.queue.EnqueueResult;
import dev.ingest.queue.Failure;
import dev.ingest.queue.JobFilter;
import dev.ingest.queue.JobQueue;
import dev.ingest.queue.Lease;
import dev.ingest.queue.LeaseState;
import dev.ingest.queue.QueueStats;
import dev.ingest.queue.WorkerInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;

/** {@link JobQueue} on a SQL database through Jdbi; engine differences come from {@link SqlDialect}. */
public final class SqlJobQueue implements JobQueue {
  private static final String UNFINISHED = "('queued', 'retrying', 'running')";
  /** "Is running" in the form that cannot select the partial jobs_owner index (see {@link #fence()}). */
  private static final String RUNNING_BY_ID = "lease_owner IS NOT NULL";

  private static final String DUE = "('queued', 'retrying')";
  private static final String FINISHED = "('completed', 'failed', 'cancelled')";

  private final Database db;
  private final Clock clock;
  private final RetryPolicy retryPolicy;
  private final DoubleSupplier random;

  public SqlJobQueue(Database db, Clock clock, RetryPolicy retryPolicy) {
    this(db, clock, retryPolicy, () -> ThreadLocalRandom.current().nextDouble());
  }

  public SqlJobQueue(Database db, Clock clock, RetryPolicy retryPolicy, DoubleSupplier random) {
    this.db = db;
    this.clock = clock;
    this.retryPolicy = retryPolicy;
    this.random = random;
  }

  private long now() {
    return clock.now().toEpochMilli();
  }

  // ---- enqueue ------------------------------------------------------------------------------------

  @Override
  public EnqueueResult enqueue(NewJob job) {
    return enqueueAll(List.of(job)).get(0);
  }

  @Override
  public List<EnqueueResult> enqueueAll(List<NewJob> jobs) {
    if (jobs.size() == 1 && jobs.get(0).dedupeKey() == null) {
      return List.of(enqueueOne(jobs.get(0)));
    }
    if (db.dialect().insertJobsFromArrays().isPresent() && jobs.stream().allMatch(j -> j.dedupeKey() == null)) {
      // why: nothing to look up first, so one statement in autocommit: one round trip for the whole batch.
      long now = now();
      List<Job> rows = jobs.stream().map(j -> newJob(jobId(now), j, Instant.ofEpochMilli(now))).toList();
      db.withHandle(
          h -> {
            insertRows(h, jobs, rows, now);
            return null;
          });
      return rows.stream().map(r -> new EnqueueResult(r, false)).toList();
    }
    // why: two processes may race for the same dedupe key; the loser's unique violation sends it back to
    // read the winner's job.
    for (int round = 0; round < 5; round++) {
      List<EnqueueResult> results =
          db.onDuplicate(() -> db.jdbi().inTransaction(h -> insertAll(h, jobs)), e -> null);
      if (results != null) {
        return results;
      }
    }
    throw new IllegalStateException("enqueue kept colliding on dedupe keys");
  }

  private List<EnqueueResult> insertAll(Handle h, List<NewJob> jobs) {
    long now = now();
    List<EnqueueResult> results = new ArrayList<>(jobs.size());
    List<Job> fresh = new ArrayList<>();
    Map<String, Job> claimedKeys = new LinkedHashMap<>();
    List<NewJob> toInsert = new ArrayList<>();
    for (NewJob job : jobs) {
      if (job.dedupeKey() != null) {
        Job existing = claimedKeys.get(job.tenant() + "\u0000" + job.dedupeKey());
        if (existing == null) {
          existing = findUnfinishedByKey(h, job.tenant(), job.dedupeKey()).orElse(null);
        }
        if (existing != null) {
          results.add(new EnqueueResult(existing, true));
          continue;
        }
      }
      Job created = newJob(jobId(now), job, Instant.ofEpochMilli(now));
      if (job.dedupeKey() != null) {
        claimedKeys.put(job.tenant() + "\u0000" + job.dedupeKey(), created);
      }
      toInsert.add(job);
      fresh.add(created);
      results.add(new EnqueueResult(created, false));
    }
    if (!fresh.isEmpty()) {
      insertRows(h, toInsert, fresh, now);
    }
    return results;
  }

  /**
   * A single job without a dedupe key, the common case of an upload: one statement in autocommit that also
   * notifies listening workers, so one round trip to the server where a transaction took three (insert,
   * notify, commit). On an idle machine each round trip wakes a sleeping server process, and those wake-ups
   * were most of the time between an upload's enqueue and a worker starting the job.
   */
  private EnqueueResult enqueueOne(NewJob job) {
    long now = now();
    Job created = newJob(jobId(now), job, Instant.ofEpochMilli(now));
    db.withConnection(
        c -> {
          try (java.sql.PreparedStatement insert = c.prepareStatement(db.dialect().insertAndNotify(INSERT_JOB, "queue"))) {
            bindRow(insert, job, created, now);
            insert.execute();
          }
          return null;
        });
    return new EnqueueResult(created, false);
  }

  private static final String INSERT_JOB =
      "INSERT INTO jobs (id, queue, pipeline, status, priority, attempts, max_attempts, dedupe_key, "
          + "file_id, payload, run_at, created_at, updated_at, tenant) "
          + "VALUES (?, ?, ?, 'queued', ?, 0, ?, ?, ?, ?, ?, ?, ?, ?)";

  private static void bindRow(java.sql.PreparedStatement insert, NewJob job, Job row, long now)
      throws java.sql.SQLException {
    insert.setString(1, row.id());
    insert.setString(2, job.queue());
    insert.setString(3, job.pipeline());
    insert.setInt(4, job.priority());
    insert.setInt(5, job.maxAttempts());
    insert.setString(6, job.dedupeKey());
    insert.setString(7, job.file() == null ? null : job.file().id());
    insert.setString(8, PayloadCodec.encode(job.file(), job.meta()));
    insert.setLong(9, now);
    insert.setLong(10, now);
    insert.setLong(11, now);
    insert.setString(12, job.tenant());
  }

  /**
   * Inserts the rows and tells listening workers their queues received jobs: one statement from array
   * parameters where the dialect has one, otherwise one JDBC batch of plain INSERTs.
   *
   * <p>why: JDBC directly rather than a Jdbi batch: binding nine named arguments per row through Jdbi's
   * argument factories was most of the enqueue path's CPU (profiled), and bulk enqueue is where it shows.
   */
  private void insertRows(Handle h, List<NewJob> jobs, List<Job> rows, long now) {
    Optional<String> fromArrays = db.dialect().insertJobsFromArrays();
    if (fromArrays.isPresent()) {
      int n = rows.size();
      String[] ids = new String[n], queues = new String[n], pipelines = new String[n];
      String[] keys = new String[n], files = new String[n], payloads = new String[n], tenants = new String[n];
      Integer[] priorities = new Integer[n], maxAttempts = new Integer[n];
      for (int i = 0; i < n; i++) {
        NewJob job = jobs.get(i);
        ids[i] = rows.get(i).id();
        queues[i] = job.queue();
        pipelines[i] = job.pipeline();
        priorities[i] = job.priority();
        maxAttempts[i] = job.maxAttempts();
        keys[i] = job.dedupeKey();
        files[i] = job.file() == null ? null : job.file().id();
        payloads[i] = PayloadCodec.encode(job.file(), job.meta());
        tenants[i] = job.tenant();
      }
      Database.onConnection(h, c -> {
        try (java.sql.PreparedStatement insert = c.prepareStatement(fromArrays.get())) {
          insert.setLong(1, now);
          insert.setLong(2, now);
          insert.setLong(3, now);
          insert.setArray(4, c.createArrayOf("text", ids));
          insert.setArray(5, c.createArrayOf("text", queues));
          insert.setArray(6, c.createArrayOf("text", pipelines));
          insert.setArray(7, c.createArrayOf("int4", priorities));
          insert.setArray(8, c.createArrayOf("int4", maxAttempts));
          insert.setArray(9, c.createArrayOf("text", keys));
          insert.setArray(10, c.createArrayOf("text", files));
          insert.setArray(11, c.createArrayOf("text", payloads));
          insert.setArray(12, c.createArrayOf("text", tenants));
          return insert.execute();
        }
      });
      return; // the statement notified listening workers itself
    }
    Database.onConnection(h, c -> {
      try (java.sql.PreparedStatement insert = c.prepareStatement(INSERT_JOB)) {
        for (int i = 0; i < rows.size(); i++) {
          bindRow(insert, jobs.get(i), rows.get(i), now);
          insert.addBatch();
        }
        return insert.executeBatch();
      }
    });
    db.dialect().notifyJobs(h, rows.stream().map(Job::queue).collect(java.util.stream.Collectors.toSet()));
  }

  /**
   * A new job's id, whose time part is its {@code created_at}: ids then sort as jobs were created (newest
   * first is {@code ORDER BY id DESC}, through the primary key). why: a separate index on created_at cost
   * an index insert on every enqueue and every status change of every job, for listings alone.
   */
  private static String jobId(long createdAt) {
    return Ids.generate("job_", createdAt);
  }

  private static Job newJob(String id, NewJob job, Instant now) {
    return new Job(
        id, job.queue(), job.pipeline(), JobStatus.QUEUED, job.priority(), 0, job.maxAttempts(), job.dedupeKey(),
        JobProgress.NONE, job.file(), job.meta(), null, null, false, null, null, now, now, null, null, job.tenant());
  }

  private Optional<Job> findUnfinishedByKey(Handle h, String tenant, String key) {
    return h.createQuery("SELECT * FROM jobs WHERE dedupe_key = :key AND tenant = :tenant AND status IN " + UNFINISHED)
        .bind("key", key)
        .bind("tenant", tenant)
        .map(JobRowMapper.INSTANCE)
        .findFirst();
  }

  // ---- reads --------------------------------------------------------------------------------------

  @Override
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

  @Override
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

  @Override
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

  @Override
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

  @Override
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

  // ---- the worker's side --------------------------------------------------------------------------

  @Override
  public List<Lease> claim(String owner, Collection<String> queues, int max, Duration ttl) {
    if (max <= 0) {
      return List.of();
    }
    String queueFilter = queues.isEmpty() ? "" : " AND queue IN (<queues>)";
    String sql =
        "UPDATE jobs SET status = 'running', lease_owner = :owner, lease_expires_at = :expires, "
            + "attempts = attempts + 1, started_at = COALESCE(started_at, :now), updated_at = :now "
            + "WHERE id IN (SELECT id FROM jobs WHERE status IN " + DUE + " AND run_at <= :now" + queueFilter
            + " ORDER BY priority DESC, run_at, id LIMIT :max " + db.dialect().claimLocking() + ") "
            + "RETURNING *";
    long now = now();
    long expires = now + ttl.toMillis();
    List<Job> jobs =
        db.withHandle(
            h -> {
              Query q =
                  h.createQuery(sql)
                      .bind("owner", owner)
                      .bind("expires", expires)
                      .bind("now", now)
                      .bind("max", max);
              if (!queues.isEmpty()) {
                q.bindList("queues", List.copyOf(queues));
              }
              return q.map(JobRowMapper.INSTANCE).list();
            });
    List<Lease> leases = new ArrayList<>(jobs.size());
    jobs.stream()
        .sorted(Comparator.comparingInt(Job::priority).reversed().thenComparing(Job::runAt).thenComparing(Job::id))
        .forEach(j -> leases.add(new Lease(j, owner, j.attempts(), Instant.ofEpochMilli(expires))));
    return leases;
  }

  @Override
  public Map<String, LeaseState> heartbeat(String owner, Duration ttl) {
    long now = now();
    return db.withHandle(
        h -> {
          h.createUpdate("UPDATE workers SET last_seen = :now WHERE id = :owner")
              .bind("now", now)
              .bind("owner", owner)
              .execute();
          // why: rows another transaction holds are skipped, not waited for: they are being completed,
          // failed or cancelled right now, and the next beat renews whatever is still running. A heartbeat
          // that never waits for a row lock cannot be part of a deadlock, whatever order a batch
          // completion of the same worker locks its rows in. Their state is still read and reported below.
          h.createUpdate(
                  "UPDATE jobs SET lease_expires_at = :expires, updated_at = :now WHERE id IN ("
                      + "SELECT id FROM jobs WHERE lease_owner = :owner AND status = 'running' "
                      + db.dialect().claimLocking() + ")")
              .bind("expires", now + ttl.toMillis())
              .bind("now", now)
              .bind("owner", owner)
              .execute();
          Map<String, LeaseState> states = new TreeMap<>();
          h.createQuery(
                  "SELECT id, attempts, cancel_requested FROM jobs WHERE lease_owner = :owner AND status = 'running'")
              .bind("owner", owner)
              .map((rs, ctx) -> Map.entry(
                  rs.getString("id"), new LeaseState(rs.getInt("attempts"), rs.getInt("cancel_requested") != 0)))
              .forEach(e -> states.put(e.getKey(), e.getValue()));
          return states;
        });
  }

  @Override
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

  @Override
  public void complete(Lease lease, String resultJson) {
    if (!completeAll(List.of(new dev.ingest.queue.Completion(lease, resultJson))).isEmpty()) {
      throw new LeaseLostException(lease.jobId(), lease.attempt());
    }
  }

  @Override
  public java.util.Set<String> completeAll(List<dev.ingest.queue.Completion> completions) {
    if (completions.isEmpty()) {
      return java.util.Set.of();
    }
    long now = now();
    Optional<String> fromArrays = db.dialect().completeJobsFromArrays();
    if (fromArrays.isPresent()) {
      return completeFromArrays(fromArrays.get(), sortedById(completions), now);
    }
    int[] rows =
        db.inTransaction(
            h -> {
              PreparedBatch batch =
                  h.prepareBatch(
                      "UPDATE jobs SET status = 'completed', result = :result, finished_at = :now, "
                          + "updated_at = :now, progress_percent = 100, lease_owner = NULL, lease_expires_at = NULL, "
                          + "error_message = NULL, error_type = NULL, error_retryable = NULL " + fence());
              for (dev.ingest.queue.Completion c : sortedById(completions)) {
                batch.bind("result", c.resultJson()).bind("now", now).bindMap(fenceArgs(c.lease())).add();
              }
              return batch.execute();
            });
    List<dev.ingest.queue.Completion> ordered = sortedById(completions);
    java.util.Set<String> lost = new java.util.HashSet<>();
    for (int i = 0; i < rows.length; i++) {
      if (rows[i] != 1) {
        lost.add(ordered.get(i).lease().jobId());
      }
    }
    return lost;
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

  @Override
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

  @Override
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

  @Override
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

  /** Leases past their expiry; served by the small index of running jobs on both engines. */
  static final String EXPIRED_LEASES =
      "SELECT id, attempts, lease_owner FROM jobs WHERE status = 'running' AND lease_expires_at < :now LIMIT 500";

  @Override
  public int reclaimExpired() {
    long now = now();
    return db.inTransaction(
        h -> {
          List<Map<String, Object>> expired =
              // why: locks the expired rows without waiting (rows being completed right now are skipped),
              // so the reaper never waits for a row lock while holding others and cannot deadlock.
              h.createQuery(EXPIRED_LEASES + " " + db.dialect().claimLocking())
                  .bind("now", now)
                  .mapToMap()
                  .list();
          // why: sorted here, not by the query: ORDER BY id leads SQLite's planner to walk the primary key
          // through every finished job instead of the small index of running ones.
          expired.sort(java.util.Comparator.comparing(row -> (String) row.get("id")));
          int reclaimed = 0;
          for (Map<String, Object> row : expired) {
            String id = (String) row.get("id");
            int attempt = ((Number) row.get("attempts")).intValue();
            Failure failure =
                Failure.retryable(
                    "lease_expired",
                    "worker " + row.get("lease_owner") + " stopped renewing its lease (crashed or frozen)");
            long runAt = now + retryPolicy.delayAfter(attempt, random).toMillis();
            int rows =
                h.createUpdate(
                        "UPDATE jobs SET status = CASE WHEN cancel_requested = 1 THEN 'cancelled' "
                            + "WHEN attempts < max_attempts THEN 'retrying' ELSE 'failed' END, "
                            + "finished_at = CASE WHEN cancel_requested = 0 AND attempts < max_attempts "
                            + "THEN NULL ELSE :now END, "
                            + "run_at = :runAt, error_message = :message, error_type = :type, error_retryable = 1, "
                            + "lease_owner = NULL, lease_expires_at = NULL, updated_at = :now "
                            + "WHERE id = :id AND " + RUNNING_BY_ID + " AND attempts = :attempt "
                            + "AND lease_expires_at < :now")
                    .bind("now", now)
                    .bind("runAt", runAt)
                    .bind("message", failure.message())
                    .bind("type", failure.type())
                    .bind("id", id)
                    .bind("attempt", attempt)
                    .execute();
            if (rows == 1) {
              recordError(h, id, attempt, failure, now);
              reclaimed++;
            }
          }
          return reclaimed;
        });
  }

  private static void recordError(Handle h, String jobId, int attempt, Failure failure, long now) {
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

  private static Map<String, Object> fenceArgs(Lease lease) {
    return Map.of("fenceId", lease.jobId(), "fenceOwner", lease.owner(), "fenceAttempt", lease.attempt());
  }

  private static void requireFenced(int rows, Lease lease) {
    if (rows != 1) {
      throw new LeaseLostException(lease.jobId(), lease.attempt());
    }
  }

  // ---- steering -----------------------------------------------------------------------------------

  @Override
  public Job cancel(String tenant, String jobId) {
    for (int round = 0; round < 10; round++) {
      Job job = get(tenant, jobId);
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
        return get(tenant, jobId);
      }
      // the job moved between our read and our write: look again
    }
    throw new IllegalStateException("job " + jobId + " kept changing state while being cancelled");
  }

  @Override
  public Job retry(String tenant, String jobId) {
    Job job = get(tenant, jobId);
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
      throw new IllegalTransitionException(jobId, get(jobId).status(), JobStatus.QUEUED);
    }
    db.withHandle(h -> {
      db.dialect().notifyJobs(h, List.of(job.queue()));
      return null;
    });
    return get(jobId);
  }

  // ---- statistics and upkeep ------------------------------------------------------------------------

  @Override
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

  @Override
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

  @Override
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

  @Override
  public void unregisterWorker(String workerId) {
    db.withHandle(h -> h.createUpdate("DELETE FROM workers WHERE id = :id").bind("id", workerId).execute());
  }

  @Override
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

  @Override
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

  // ---- events -------------------------------------------------------------------------------------

  @Override
  public void subscribeToEvents(String name) {
    // why: ON CONFLICT … DO UPDATE reads the same in SQLite (3.24+) and PostgreSQL.
    db.inTransaction(
        h -> {
          h.createUpdate(
                  "INSERT INTO event_subscriptions (name, updated_at) VALUES (:name, :now) "
                      + "ON CONFLICT (name) DO UPDATE SET updated_at = excluded.updated_at")
              .bind("name", name)
              .bind("now", now())
              .execute();
          db.dialect().recordEvents(h);
          return null;
        });
  }

  @Override
  public int dispatchEvents(int max, java.util.function.Function<dev.ingest.queue.JobEvent, List<NewJob>> toJobs) {
    return db.inTransaction(
        h -> {
          List<dev.ingest.queue.JobEvent> events =
              h.createQuery(
                      "SELECT id, job_id, status, created_at FROM job_events ORDER BY id LIMIT :max "
                          + db.dialect().claimLocking())
                  .bind("max", max)
                  .map((rs, ctx) -> new dev.ingest.queue.JobEvent(
                      rs.getLong("id"), rs.getString("job_id"), JobStatus.fromWire(rs.getString("status")),
                      Instant.ofEpochMilli(rs.getLong("created_at"))))
                  .list();
          if (events.isEmpty()) {
            return 0;
          }
          List<NewJob> jobs = new ArrayList<>();
          for (dev.ingest.queue.JobEvent event : events) {
            jobs.addAll(toJobs.apply(event));
          }
          if (!jobs.isEmpty()) {
            insertAll(h, jobs);
          }
          h.createUpdate("DELETE FROM job_events WHERE id IN (<ids>)")
              .bindList("ids", events.stream().map(dev.ingest.queue.JobEvent::id).toList())
              .execute();
          return events.size();
        });
  }
}
