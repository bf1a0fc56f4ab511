package dev.ingest.queue.sql;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingest.core.Clock;
import dev.ingest.core.RetryPolicy;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plans SQLite picks for the statements that must stay fast as finished jobs pile up. */
class SqliteQueryPlanTest {
  @TempDir Path dir;

  @Test
  void expiredLeasesAreFoundThroughTheIndexOfRunningJobsNotByScanningHistory() {
    try (Database db = Database.open("sqlite:" + dir.resolve("ingest.db"), 2)) {
      SqlJobQueue queue = new SqlJobQueue(db, Clock.SYSTEM, RetryPolicy.DEFAULT);
      QueueHistory.finishJobs(queue, 2000);
      db.withHandle(h -> h.execute("ANALYZE"));

      String plan = db.withHandle(h -> String.join("\n",
          h.createQuery("EXPLAIN QUERY PLAN " + SqlJobQueue.EXPIRED_LEASES.replace(":now", "0"))
              .map((rs, ctx) -> rs.getString("detail")).list()));

      assertTrue(plan.contains("USING INDEX jobs_owner") || plan.contains("USING COVERING INDEX jobs_owner"), plan);
    }
  }

  @Test
  void theNewestJobsAreListedThroughThePrimaryKeyWithoutSortingHistory() {
    try (Database db = Database.open("sqlite:" + dir.resolve("ingest.db"), 2)) {
      SqlJobQueue queue = new SqlJobQueue(db, Clock.SYSTEM, RetryPolicy.DEFAULT);
      QueueHistory.finishJobs(queue, 2000);
      db.withHandle(h -> h.execute("ANALYZE"));

      String plan = db.withHandle(h -> String.join("\n",
          h.createQuery("EXPLAIN QUERY PLAN " + SqlJobQueue.LIST_NEWEST.replace(":limit", "20"))
              .map((rs, ctx) -> rs.getString("detail")).list()));

      assertTrue(plan.contains("sqlite_autoindex_jobs_1"), plan);
      assertFalse(plan.contains("TEMP B-TREE"), plan);
    }
  }
}
