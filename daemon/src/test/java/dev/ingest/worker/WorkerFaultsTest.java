package dev.ingest.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingest.core.Clock;
import dev.ingest.core.Ids;
import dev.ingest.core.Job;
import dev.ingest.core.JobStatus;
import dev.ingest.core.NewJob;
import dev.ingest.core.RetryPolicy;
import dev.ingest.core.UnavailableException;
import dev.ingest.pipeline.Pipelines;
import dev.ingest.queue.JobQueue;
import dev.ingest.queue.sql.Database;
import dev.ingest.queue.sql.SqlJobQueue;
import dev.ingest.testing.Faults;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker when its database fails under it: claiming, completing, failing, heartbeating, and a lease taken away. */
class WorkerFaultsTest {
  private static final Map<String, String> PIPELINES =
      Map.of("pipeline.slow.steps", "delay", "pipeline.slow.delay.duration", "1h", "pipeline.quick.steps", "delay",
          "pipeline.quick.delay.duration", "10ms");

  @TempDir Path dir;
  private Database db;
  private SqlJobQueue real;
  private Faults<JobQueue> faults;
  private final List<Worker> workers = new ArrayList<>();

  @BeforeEach
  void setUp() {
    db = Database.open("sqlite:" + dir.resolve("ingest.db"), 8);
    real = new SqlJobQueue(db, Clock.SYSTEM, RetryPolicy.backoff(Duration.ofMillis(50), 2.0).withJitter(0));
    faults = Faults.of(JobQueue.class, real);
  }

  @AfterEach
  void tearDown() {
    workers.forEach(w -> w.shutdown(Duration.ZERO));
    db.close();
  }

  private Worker start(Duration ttl, Duration heartbeat) {
    JobQueue queue = faults.proxy();
    WorkerOptions options = WorkerOptions.defaults().withConcurrency(2).withLease(ttl, heartbeat);
    Worker worker =
        new Worker(Ids.worker(), queue, new PipelineRunner(new Pipelines(PIPELINES), queue, null, Clock.SYSTEM), options, Clock.SYSTEM);
    workers.add(worker);
    worker.start("test-host", 1);
    return worker;
  }

  private static UnavailableException down() {
    return new UnavailableException("injected: the database is down", null);
  }

  private Job awaitStatus(Job job, JobStatus status) {
    await().atMost(Duration.ofSeconds(30)).until(() -> real.get(job.id()).status() == status);
    return real.get(job.id());
  }

  @Test
  void aDatabaseDownWhileClaimingIsWaitedOutAndTheJobRunsOnceItIsBack() {
    faults.fail("claim", WorkerFaultsTest::down);
    Worker worker = start(Duration.ofSeconds(3), Duration.ofMillis(300));
    Job job = real.enqueue(NewJob.builder("quick").build()).job();
    await().atMost(Duration.ofSeconds(10)).until(() -> faults.calls("claim") >= 2);
    assertEquals(JobStatus.QUEUED, real.get(job.id()).status());

    faults.heal("claim");
    Job done = awaitStatus(job, JobStatus.COMPLETED);
    assertEquals(1, done.attempts());
    assertEquals(0, worker.runningCount());
  }

  @Test
  void completionsTheDatabaseRefusesAreKeptAndWrittenOnceItIsBack() {
    faults.fail("completeAll", WorkerFaultsTest::down);
    start(Duration.ofSeconds(30), Duration.ofSeconds(1));
    List<Job> jobs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      jobs.add(real.enqueue(NewJob.builder("quick").build()).job());
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> faults.calls("completeAll") >= 2);
    assertTrue(jobs.stream().allMatch(j -> real.get(j.id()).status() == JobStatus.RUNNING), "ran, not yet recorded");

    faults.heal("completeAll");
    for (Job job : jobs) {
      Job done = awaitStatus(job, JobStatus.COMPLETED);
      assertEquals(1, done.attempts(), "recorded, not run again");
    }
  }

  @Test
  void completionsStillRefusedWhenShutdownsDrainRunsOutAreRunAgainByTheNextWorker() {
    faults.fail("completeAll", WorkerFaultsTest::down);
    Worker first = start(Duration.ofSeconds(2), Duration.ofMillis(300)).completionDrain(Duration.ofMillis(500));
    List<Job> jobs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      jobs.add(real.enqueue(NewJob.builder("quick").build()).job());
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> faults.calls("completeAll") >= 2);
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10), () -> first.shutdown(Duration.ZERO));
    assertTrue(jobs.stream().allMatch(j -> real.get(j.id()).status() == JobStatus.RUNNING), "ran, never recorded");

    faults.heal("completeAll");
    start(Duration.ofSeconds(2), Duration.ofMillis(300));
    for (Job job : jobs) {
      Job done = awaitStatus(job, JobStatus.COMPLETED);
      assertEquals(2, done.attempts(), "the lost completion's job ran again, once");
    }
  }

  @Test
  void aFailureTheDatabaseRefusesToRecordIsRetriedWhenTheLeaseRunsOut() {
    faults.fail("fail", WorkerFaultsTest::down);
    start(Duration.ofSeconds(2), Duration.ofMillis(300));
    Job job = real.enqueue(NewJob.builder("no-such-pipeline").maxAttempts(2).build()).job();
    await().atMost(Duration.ofSeconds(10)).until(() -> faults.calls("fail") >= 1);

    faults.heal("fail");
    // the lease of the unrecorded attempt runs out; the job is reclaimed and fails for good on its second attempt
    Job failed = awaitStatus(job, JobStatus.FAILED);
    assertEquals("unknown_pipeline", failed.error().type());
    assertNull(failed.leaseOwner());
  }

  @Test
  void aLeaseTakenByAnotherWorkerStopsTheJobAndItsOutcomeIsNotWritten() throws Exception {
    Worker worker = start(Duration.ofSeconds(3), Duration.ofMillis(200));
    Job job = real.enqueue(NewJob.builder("slow").build()).job();
    await().atMost(Duration.ofSeconds(10)).until(() -> worker.runningCount() == 1);
    // another worker reclaimed it (its lease had run out, as far as the database knew) and runs attempt 2
    db.withHandle(h -> h.execute("UPDATE jobs SET lease_owner = 'wrk_other', attempts = attempts + 1 WHERE id = ?", job.id()));

    await().atMost(Duration.ofSeconds(10)).until(() -> worker.runningCount() == 0);
    Job now = real.get(job.id());
    assertEquals(JobStatus.RUNNING, now.status(), "left to the worker that holds it");
    assertEquals("wrk_other", now.leaseOwner());
    assertEquals(2, now.attempts());
  }

  @Test
  void heartbeatsFailingPastTheLeaseStopTheRunningJobsRatherThanRaceTheirNextOwner() {
    Worker worker = start(Duration.ofSeconds(2), Duration.ofMillis(200));
    Job job = real.enqueue(NewJob.builder("slow").build()).job();
    await().atMost(Duration.ofSeconds(10)).until(() -> worker.runningCount() == 1);
    faults.fail("heartbeat", WorkerFaultsTest::down);

    await().atMost(Duration.ofSeconds(15)).until(() -> worker.runningCount() == 0);
    faults.heal("heartbeat");
    assertEquals(1, real.get(job.id()).attempts(), "nothing recorded: its lease is left to run out");
    // once the database is back the lease has run out; the job is reclaimed and runs again, not lost
    await().atMost(Duration.ofSeconds(20)).until(() -> real.get(job.id()).attempts() == 2 && worker.runningCount() == 1);
  }
}
