package dev.ingest.queue.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingest.core.Clock;
import dev.ingest.core.NewJob;
import dev.ingest.core.RetryPolicy;
import dev.ingest.queue.Completion;
import dev.ingest.queue.Lease;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plans SQLite picks for the statements that must stay fast as finished jobs pile up. */
class SqliteQueryPlanTest {
  @TempDir Path dir;

  @Test
  void expiredLeasesAreFoundThroughTheIndexOfRunningJobsNotByScanningHistory() {
    try (Database db = Database.open("sqlite:" + dir.resolve("ingest.db"), 2)) {
      SqlJobQueue queue = new SqlJobQueue(db, Clock.SYSTEM, RetryPolicy.DEFAULT);
      List<NewJob> jobs = new ArrayList<>();
      for (int i = 0; i < 2000; i++) {
        jobs.add(NewJob.builder("noop").build());
      }
      queue.enqueueAll(jobs);
      List<Lease> leases;
      while (!(leases = queue.claim("worker-1", List.of(), 500, Duration.ofMinutes(1))).isEmpty()) {
        List<Completion> done = new ArrayList<>();
        leases.forEach(lease -> done.add(new Completion(lease, "{}")));
        assertEquals(Set.of(), queue.completeAll(done));
      }
      db.withHandle(h -> h.execute("ANALYZE"));

      String plan = db.withHandle(h -> String.join("\n",
          h.createQuery("EXPLAIN QUERY PLAN " + SqlJobQueue.EXPIRED_LEASES.replace(":now", "0"))
              .map((rs, ctx) -> rs.getString("detail")).list()));

      assertTrue(plan.contains("USING INDEX jobs_owner") || plan.contains("USING COVERING INDEX jobs_owner"), plan);
    }
  }
}
