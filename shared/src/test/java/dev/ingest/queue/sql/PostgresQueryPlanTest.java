package dev.ingest.queue.sql;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingest.core.Clock;
import dev.ingest.core.RetryPolicy;
import dev.ingest.testing.EmbeddedPg;
import org.junit.jupiter.api.Test;

/** The plans PostgreSQL picks for the hot statements once a queue has history. */
class PostgresQueryPlanTest {
  @Test
  void fencedWritesFindTheirJobByIdEvenWhenStatisticsShowNoRunningJobs() {
    try (Database db = Database.open(EmbeddedPg.freshDatabase(), 2)) {
      SqlJobQueue queue = new SqlJobQueue(db, Clock.SYSTEM, RetryPolicy.DEFAULT);
      // history: 3,000 jobs claimed by one owner and completed, so the partial index of running jobs holds
      // 3,000 dead entries and the statistics say that almost no job is running
      QueueHistory.finishJobs(queue, 3000);
      db.withHandle(h -> h.execute("ANALYZE jobs"));

      String fenced = SqlJobQueue.fence()
          .replace(":fenceId", "$1").replace(":fenceOwner", "$2").replace(":fenceAttempt", "$3");
      String plan = db.withHandle(h -> {
        h.execute("SET plan_cache_mode = force_generic_plan");
        h.execute("PREPARE fenced(text, text, int) AS UPDATE jobs SET updated_at = 0 " + fenced);
        String text = String.join("\n", h.createQuery("EXPLAIN EXECUTE fenced('job_x', 'worker-1', 1)")
            .mapTo(String.class).list());
        h.execute("DEALLOCATE fenced");
        h.execute("RESET plan_cache_mode");
        return text;
      });

      assertTrue(plan.contains("jobs_pkey"), plan);
      assertFalse(plan.contains("jobs_owner"), plan);
    }
  }

  @Test
  void batchCompletionFindsEachJobThroughThePrimaryKeyOnceHistoryPilesUp() {
    try (Database db = Database.open(EmbeddedPg.freshDatabase(), 2)) {
      SqlJobQueue queue = new SqlJobQueue(db, Clock.SYSTEM, RetryPolicy.DEFAULT);
      QueueHistory.finishJobs(queue, 3000);
      db.withHandle(h -> h.execute("ANALYZE jobs"));

      String sql = new PostgresDialect().completeJobsFromArrays().orElseThrow();
      int[] n = {0};
      String numbered = java.util.regex.Pattern.compile("\\?").matcher(sql).replaceAll(m -> "\\$" + ++n[0]);
      String plan = db.withHandle(h -> {
        h.execute("SET plan_cache_mode = force_generic_plan");
        h.execute("PREPARE complete(bigint, bigint, text[], text[], int[], text[]) AS " + numbered);
        String text = String.join("\n", h.createQuery(
                "EXPLAIN EXECUTE complete(0, 0, '{job_a,job_b}', '{w,w}', '{1,1}', '{null,null}')")
            .mapTo(String.class).list());
        h.execute("DEALLOCATE complete");
        h.execute("RESET plan_cache_mode");
        return text;
      });

      // why: one primary-key probe per completed job, not a scan of the history
      assertTrue(plan.contains("Nested Loop"), plan);
      assertFalse(plan.contains("Seq Scan"), plan);
      assertTrue(plan.contains("Index Scan using jobs_pkey"), plan);
    }
  }

  @Test
  void theNewestJobsAreListedThroughThePrimaryKeyWithoutSortingHistory() {
    try (Database db = Database.open(EmbeddedPg.freshDatabase(), 2)) {
      SqlJobQueue queue = new SqlJobQueue(db, Clock.SYSTEM, RetryPolicy.DEFAULT);
      QueueHistory.finishJobs(queue, 3000);
      db.withHandle(h -> h.execute("ANALYZE jobs"));

      String plan = db.withHandle(h -> String.join("\n",
          h.createQuery("EXPLAIN " + SqlJobQueue.LIST_NEWEST.replace(":limit", "20")).mapTo(String.class).list()));

      assertTrue(plan.contains("Index Scan Backward using jobs_pkey"), plan);
      assertFalse(plan.contains("Sort"), plan);
    }
  }
}
