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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/** An idle worker hears of new jobs from the database itself, on every engine, long before it would poll. */
class WakeupTest {
  @TempDir Path dir;

  static java.util.stream.Stream<String> engines() {
    return java.util.stream.Stream.of("sqlite", "postgresql");
  }

  /** One thread on queue "mail", its polls five minutes apart, so only a wake-up can be quick. */
  private Worker startIdleWorker(Database db, SqlJobQueue queue) {
    WorkerOptions base = WorkerOptions.defaults().withConcurrency(1).withQueues(List.of("mail"));
    WorkerOptions options =
        new WorkerOptions(
            1, base.queues(), base.leaseTtl(), base.heartbeat(), base.shutdownGrace(), false,
            Duration.ofMinutes(5), Duration.ofMinutes(5), 1);
    PipelineRunner runner = new PipelineRunner(new Pipelines(Map.of()), queue, new LocalBlobStore(dir), Clock.SYSTEM);
    Worker worker = new Worker(Ids.worker(), queue, runner, options, Clock.SYSTEM, db.wakeups());
    worker.start("test", 1);
    return worker;
  }

  @ParameterizedTest
  @MethodSource("engines")
  void anIdleWorkerIsWokenLongBeforeItsNextPoll(String engine) {
    String url = engine.equals("sqlite") ? "sqlite:" + dir.resolve("ingest.db") : EmbeddedPg.freshDatabase();
    try (Database db = Database.open(url, 4)) {
      SqlJobQueue queue = new SqlJobQueue(db, db.clock(Clock.SYSTEM), RetryPolicy.DEFAULT);
      Worker worker = startIdleWorker(db, queue);
      try {
        for (int i = 0; i < 3; i++) {
          Job job = queue.enqueue(NewJob.builder("noop").queue("mail").build()).job();
          await().atMost(Duration.ofSeconds(3)).until(() -> queue.get(job.id()).status() == JobStatus.COMPLETED);
        }
      } finally {
        worker.shutdown(Duration.ZERO);
      }
    }
  }

  @org.junit.jupiter.api.Test
  void aWorkerWhoseListenConnectionIsKilledHearsOfJobsAgainAndOfThoseItMissed() throws Exception {
    String url = EmbeddedPg.freshDatabase();
    try (Database db = Database.open(url, 4)) {
      SqlJobQueue queue = new SqlJobQueue(db, db.clock(Clock.SYSTEM), RetryPolicy.DEFAULT);
      Worker worker = startIdleWorker(db, queue);
      try {
        Job first = queue.enqueue(NewJob.builder("noop").queue("mail").build()).job();
        await().atMost(Duration.ofSeconds(5)).until(() -> queue.get(first.id()).status() == JobStatus.COMPLETED);

        // the database drops the listening connection, as a restart or a network cut would
        int killed = db.withHandle(h -> h.createQuery(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    + "WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid() AND datname = current_database()")
            .mapTo(Integer.class).one());
        org.junit.jupiter.api.Assertions.assertEquals(1, killed, "one LISTEN connection");
        Job missed = queue.enqueue(NewJob.builder("noop").queue("mail").build()).job(); // while nobody listens
        await().atMost(Duration.ofSeconds(15)).until(() -> queue.get(missed.id()).status() == JobStatus.COMPLETED);
        await().atMost(Duration.ofSeconds(15)).until(() -> db.withHandle(h -> h.createQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND datname = current_database()")
            .mapTo(Integer.class).one()) == 1);
        Job after = queue.enqueue(NewJob.builder("noop").queue("mail").build()).job();
        await().atMost(Duration.ofSeconds(5)).until(() -> queue.get(after.id()).status() == JobStatus.COMPLETED);
      } finally {
        worker.shutdown(Duration.ZERO);
      }
    }
  }
}
