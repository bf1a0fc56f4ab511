package dev.ingest.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingest.blob.local.LocalBlobStore;
import dev.ingest.core.Clock;
import dev.ingest.core.Job;
import dev.ingest.core.NewJob;
import dev.ingest.core.RetryPolicy;
import dev.ingest.files.sql.SqlFileCatalog;
import dev.ingest.queue.sql.Database;
import dev.ingest.queue.sql.SqlJobQueue;
import dev.ingest.queue.sql.SqlMaintenanceLock;
import dev.ingest.retention.RetentionService;
import dev.ingest.upload.sql.SqlUploadSessions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionSchedulerTest {
  @TempDir Path dir;

  @Test
  void workersRunRetentionOneAtATime() {
    try (Database db = Database.open("sqlite:" + dir.resolve("ingest.db"), 4)) {
      SqlJobQueue queue = new SqlJobQueue(db, Clock.SYSTEM, RetryPolicy.DEFAULT);
      Job job = queue.enqueue(NewJob.builder("noop").build()).job();
      queue.complete(queue.claim("w", List.of(), 1, Duration.ofSeconds(30)).get(0), "{}");
      RetentionService retention =
          new RetentionService(queue, new SqlFileCatalog(db), new SqlUploadSessions(db), new dev.ingest.tus.sql.SqlTusUploads(db), new LocalBlobStore(dir.resolve("b")), Clock.SYSTEM);
      SqlMaintenanceLock lock = new SqlMaintenanceLock(db, Clock.SYSTEM);
      try (RetentionScheduler a = new RetentionScheduler(retention, lock, "host-a", Duration.ZERO, Duration.ofMillis(300)).start();
          RetentionScheduler b = new RetentionScheduler(retention, lock, "host-b", Duration.ZERO, Duration.ofMillis(300)).start()) {
        await().atMost(Duration.ofSeconds(10)).until(() -> queue.find(job.id()).isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> a.runs() + b.runs() >= 3);
        assertTrue(a.runs() == 0 || b.runs() == 0, "both ran: a=" + a.runs() + " b=" + b.runs());
      }
      assertEquals(0, queue.list(dev.ingest.queue.JobFilter.all()).size());
    }
  }
}
