package dev.ingest.worker;

import static org.awaitility.Awaitility.await;

import dev.ingest.blob.local.LocalBlobStore;
import dev.ingest.core.Clock;
import dev.ingest.core.Ids;
import dev.ingest.core.Job;
import dev.ingest.core.JobStatus;
import dev.ingest.core.NewJob;
import dev.ingest.core.RetryPolicy;
import dev.ingest.pipeline.Pipelines;
import dev.ingest.queue.sql.Database;
import dev.ingest.queue.sql.SqlJobQueue;
import dev.ingest.testing.EmbeddedPg;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresWakeupTest {
  @TempDir Path dir;

  @Test
  void anIdleWorkerIsWokenByNotifyLongBeforeItsNextPoll() {
    try (Database db = Database.open(EmbeddedPg.freshDatabase(), 4)) {
      SqlJobQueue queue = new SqlJobQueue(db, db.clock(Clock.SYSTEM), RetryPolicy.DEFAULT);
      WorkerOptions options =
          WorkerOptions.defaults()
              .withConcurrency(1)
              .withQueues(List.of("mail"))
              .withMaxPoll(Duration.ofMinutes(5)); // polling alone would take minutes
      PipelineRunner runner = new PipelineRunner(new Pipelines(Map.of()), queue, new LocalBlobStore(dir), Clock.SYSTEM);
      Worker worker = new Worker(Ids.worker(), queue, runner, options, Clock.SYSTEM, db.wakeups());
      worker.start("test", 1);
      try {
        // let the claim loop go idle with a long back-off first
        await().pollDelay(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> true);
        for (int i = 0; i < 3; i++) {
          Job job = queue.enqueue(NewJob.builder("noop").queue("mail").build()).job();
          await().atMost(Duration.ofSeconds(5)).until(() -> queue.get(job.id()).status() == JobStatus.COMPLETED);
        }
      } finally {
        worker.shutdown(Duration.ZERO);
      }
    }
  }
}
