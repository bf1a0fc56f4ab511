package dev.ingest.queue.sql;

import dev.ingest.core.Clock;
import dev.ingest.core.NewJob;
import dev.ingest.core.RetryPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The outbox of terminal states: subscription, and dispatch of recorded events into jobs. */
final class SqlEventOutbox extends SqlQueuePart {
  private final SqlEnqueue enqueue;

  SqlEventOutbox(Database db, Clock clock, RetryPolicy retryPolicy, java.util.function.DoubleSupplier random, SqlEnqueue enqueue) {
    super(db, clock, retryPolicy, random);
    this.enqueue = enqueue;
  }

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

  public int dispatchEvents(int max, java.util.function.Function<dev.ingest.queue.JobEvent, List<NewJob>> toJobs) {
    return db.inTransaction(
        h -> {
          List<dev.ingest.queue.JobEvent> events =
              h.createQuery(
                      "SELECT id, job_id, status, created_at, body FROM job_events ORDER BY id LIMIT :max "
                          + db.dialect().claimLocking())
                  .bind("max", max)
                  .map((rs, ctx) -> new dev.ingest.queue.JobEvent(
                      rs.getLong("id"), rs.getString("job_id"), rs.getString("status"),
                      Instant.ofEpochMilli(rs.getLong("created_at")), rs.getString("body")))
                  .list();
          if (events.isEmpty()) {
            return 0;
          }
          List<NewJob> jobs = new ArrayList<>();
          for (dev.ingest.queue.JobEvent event : events) {
            jobs.addAll(toJobs.apply(event));
          }
          if (!jobs.isEmpty()) {
            enqueue.insertAll(h, jobs);
          }
          h.createUpdate("DELETE FROM job_events WHERE id IN (<ids>)")
              .bindList("ids", events.stream().map(dev.ingest.queue.JobEvent::id).toList())
              .execute();
          return events.size();
        });
  }
}
