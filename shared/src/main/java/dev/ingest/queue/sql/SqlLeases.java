package dev.ingest.queue.sql;

import dev.ingest.core.Clock;
import dev.ingest.core.Job;
import dev.ingest.core.RetryPolicy;
import dev.ingest.queue.Failure;
import dev.ingest.queue.Lease;
import dev.ingest.queue.LeaseState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.statement.Query;

/** The worker's leases: claims, heartbeats, and the reclaiming of leases that expired. */
final class SqlLeases extends SqlQueuePart {
  SqlLeases(Database db, Clock clock, RetryPolicy retryPolicy, java.util.function.DoubleSupplier random) {
    super(db, clock, retryPolicy, random);
  }

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
          // why: a lease that ran out stays out: others may already have been told the job is free, and a
          // worker whose heartbeats failed that long has stopped the job itself.
          h.createUpdate(
                  "UPDATE jobs SET lease_expires_at = :expires, updated_at = :now WHERE id IN ("
                      + "SELECT id FROM jobs WHERE lease_owner = :owner AND status = 'running' AND lease_expires_at >= :now "
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

  /** Leases past their expiry; served by the small index of running jobs on both engines. */
  static final String EXPIRED_LEASES =
      "SELECT id, attempts, lease_owner FROM jobs WHERE status = 'running' AND lease_expires_at < :now LIMIT 500";

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
}
