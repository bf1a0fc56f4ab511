package dev.ingest.queue.sql;

import dev.ingest.core.Clock;
import dev.ingest.core.Ids;
import dev.ingest.core.Job;
import dev.ingest.core.JobProgress;
import dev.ingest.core.JobStatus;
import dev.ingest.core.NewJob;
import dev.ingest.core.RetryPolicy;
import dev.ingest.queue.EnqueueResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Enqueueing: one job in one statement, batches in one statement or one transaction, dedupe keys per tenant. */
final class SqlEnqueue extends SqlQueuePart {
  SqlEnqueue(Database db, Clock clock, RetryPolicy retryPolicy, java.util.function.DoubleSupplier random) {
    super(db, clock, retryPolicy, random);
  }

  public EnqueueResult enqueue(NewJob job) {
    return enqueueAll(List.of(job)).get(0);
  }

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

  List<EnqueueResult> insertAll(Handle h, List<NewJob> jobs) {
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
    insert.setString(8, PayloadCodec.encode(job.file(), job.meta(), job.timeout(), job.options(), job.parent()));
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
        payloads[i] = PayloadCodec.encode(job.file(), job.meta(), job.timeout(), job.options(), job.parent());
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
        JobProgress.NONE, job.file(), job.meta(), null, null, false, null, null, now, now, null, null, job.tenant(),
        job.timeout(), job.options(), job.parent());
  }

  private Optional<Job> findUnfinishedByKey(Handle h, String tenant, String key) {
    return h.createQuery("SELECT * FROM jobs WHERE dedupe_key = :key AND tenant = :tenant AND status IN " + UNFINISHED)
        .bind("key", key)
        .bind("tenant", tenant)
        .map(JobRowMapper.INSTANCE)
        .findFirst();
  }
}
