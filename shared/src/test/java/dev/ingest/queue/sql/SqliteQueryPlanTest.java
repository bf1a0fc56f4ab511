package dev.ingest.queue.sql;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingest.core.Clock;
import dev.ingest.core.RetryPolicy;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plans SQLite picks for the statements that must stay fast as finished jobs pile up. */
class SqliteQueryPlanTest {
  @TempDir static Path dir;
  private static Database db;

  /** A database whose history is 2,000 claimed and completed jobs, analysed. */
  @BeforeAll
  static void history() {
    db = Database.open("sqlite:" + dir.resolve("ingest.db"), 2);
    QueueHistory.finishJobs(new SqlJobQueue(db, Clock.SYSTEM, RetryPolicy.DEFAULT), 2000);
    db.withHandle(h -> h.execute("ANALYZE"));
  }

  @AfterAll
  static void close() {
    db.close();
  }

  @Test
  void expiredLeasesAreFoundThroughTheIndexOfRunningJobsNotByScanningHistory() {
    String plan = plan(SqlJobQueue.EXPIRED_LEASES.replace(":now", "0"));

    assertTrue(plan.contains("USING INDEX jobs_owner") || plan.contains("USING COVERING INDEX jobs_owner"), plan);
  }

  @Test
  void theNewestJobsAreListedThroughThePrimaryKeyWithoutSortingHistory() {
    String plan = plan(SqlJobQueue.LIST_NEWEST.replace(":limit", "20"));

    assertTrue(plan.contains("sqlite_autoindex_jobs_1"), plan);
    assertFalse(plan.contains("TEMP B-TREE"), plan);
  }

  private static String plan(String sql) {
    return db.withHandle(h -> String.join("\n",
        h.createQuery("EXPLAIN QUERY PLAN " + sql).map((rs, ctx) -> rs.getString("detail")).list()));
  }
}
