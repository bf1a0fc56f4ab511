package dev.ingest.queue.sql;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingest.core.Clock;
import dev.ingest.core.RetryPolicy;
import dev.ingest.testing.EmbeddedPg;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The plans PostgreSQL picks for the hot statements once a queue has history. */
class PostgresQueryPlanTest {
  private static Database db;

  /**
   * History: 3,000 jobs claimed by one owner and completed, so the partial index of running jobs holds 3,000
   * dead entries and the statistics say that almost no job is running.
   */
  @BeforeAll
  static void history() {
    db = Database.open(EmbeddedPg.freshDatabase(), 2);
    QueueHistory.finishJobs(new SqlJobQueue(db, Clock.SYSTEM, RetryPolicy.DEFAULT), 3000);
    db.withHandle(h -> h.execute("ANALYZE jobs"));
  }

  @AfterAll
  static void close() {
    db.close();
  }

  @Test
  void fencedWritesFindTheirJobByIdEvenWhenStatisticsShowNoRunningJobs() {
    String fenced = SqlJobQueue.fence()
        .replace(":fenceId", "$1").replace(":fenceOwner", "$2").replace(":fenceAttempt", "$3");

    String plan = genericPlan(
        "text, text, int", "UPDATE jobs SET updated_at = 0 " + fenced, "'job_x', 'worker-1', 1");

    assertTrue(plan.contains("jobs_pkey"), plan);
    assertFalse(plan.contains("jobs_owner"), plan);
  }

  @Test
  void batchCompletionFindsEachJobThroughThePrimaryKeyOnceHistoryPilesUp() {
    String sql = new PostgresDialect().completeJobsFromArrays().orElseThrow();
    int[] n = {0};
    String numbered = java.util.regex.Pattern.compile("\\?").matcher(sql).replaceAll(m -> "\\$" + ++n[0]);

    String plan = genericPlan(
        "bigint, bigint, text[], text[], int[], text[]", numbered, "0, 0, '{job_a,job_b}', '{w,w}', '{1,1}', '{null,null}'");

    // why: one primary-key probe per completed job, not a scan of the history
    assertTrue(plan.contains("Nested Loop"), plan);
    assertFalse(plan.contains("Seq Scan"), plan);
    assertTrue(plan.contains("Index Scan using jobs_pkey"), plan);
  }

  @Test
  void theNewestJobsAreListedThroughThePrimaryKeyWithoutSortingHistory() {
    String plan = db.withHandle(h -> String.join("\n",
        h.createQuery("EXPLAIN " + SqlJobQueue.LIST_NEWEST.replace(":limit", "20")).mapTo(String.class).list()));

    assertTrue(plan.contains("Index Scan Backward using jobs_pkey"), plan);
    assertFalse(plan.contains("Sort"), plan);
  }

  /**
   * The plan PostgreSQL keeps for a prepared statement once it stops planning per call (the generic one). The
   * setting and the statement are undone whatever fails, so a failing case leaves the pooled connection as it was.
   */
  private static String genericPlan(String types, String statement, String args) {
    return db.withHandle(h -> {
      h.execute("SET plan_cache_mode = force_generic_plan");
      try {
        h.execute("PREPARE probe(" + types + ") AS " + statement);
        try {
          return String.join("\n", h.createQuery("EXPLAIN EXECUTE probe(" + args + ")").mapTo(String.class).list());
        } finally {
          h.execute("DEALLOCATE probe");
        }
      } finally {
        h.execute("RESET plan_cache_mode");
      }
    });
  }
}
