package dev.ingest.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import dev.ingest.testing.SkipAheadClock;
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
  /** Leases of 30 s that only run out when a test skips past them, however slow the machine. */
  private final SkipAheadClock clock = new SkipAheadClock();
  private static final Duration TTL = Duration.ofSeconds(30);

  @BeforeEach
  void setUp() {
    db = Database.open("sqlite:" + dir.resolve("ingest.db"), 8);
    real = new SqlJobQueue(db, clock, RetryPolicy.backoff(Duration.ofMillis(50), 2.0).withJitter(0));
    faults = Faults.of(JobQueue.class, real);
  }

  @AfterEach
  void tearDown() {
    workers.forEach(w -> w.shutdown(Duration.ZERO));
    db.close();
  }

  private Worker start() {
    JobQueue queue = faults.proxy();
    WorkerOptions options = WorkerOptions.defaults().withConcurrency(2).withLease(TTL, Duration.ofMillis(200));
    Worker worker =
        new Worker(Ids.worker(), queue, new PipelineRunner(new Pipelines(PIPELINES), queue, null, clock), options, clock);
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
    Worker worker = start();
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
    start();
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
    Worker first = start().completionDrain(Duration.ofMillis(500));
    List<Job> jobs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      jobs.add(real.enqueue(NewJob.builder("quick").build()).job());
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> faults.calls("completeAll") >= 2);
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10), () -> first.shutdown(Duration.ZERO));
    assertTrue(jobs.stream().allMatch(j -> real.get(j.id()).status() == JobStatus.RUNNING), "ran, never recorded");

    faults.heal("completeAll");
    clock.skip(TTL.plusSeconds(1)); // the first worker's leases run out
    start();
    for (Job job : jobs) {
      Job done = awaitStatus(job, JobStatus.COMPLETED);
      assertEquals(2, done.attempts(), "the lost completion's job ran again, once");
    }
  }

  @Test
  void aFailureTheDatabaseRefusesToRecordIsRetriedWhenTheLeaseRunsOut() {
    faults.fail("fail", WorkerFaultsTest::down);
    start();
    Job job = real.enqueue(NewJob.builder("no-such-pipeline").maxAttempts(2).build()).job();
    await().atMost(Duration.ofSeconds(10)).until(() -> faults.calls("fail") >= 1);

    faults.heal("fail");
    assertEquals(JobStatus.RUNNING, real.get(job.id()).status(), "nothing recorded");
    clock.skip(TTL.plusSeconds(1));
    // the lease of the unrecorded attempt has run out; the job is reclaimed and fails for good on its second attempt
    Job failed = awaitStatus(job, JobStatus.FAILED);
    assertEquals("unknown_pipeline", failed.error().type());
    assertNull(failed.leaseOwner());
  }

  @Test
  void aLeaseTakenByAnotherWorkerStopsTheJobAndItsOutcomeIsNotWritten() throws Exception {
    Worker worker = start();
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
    Worker worker = start();
    Job job = real.enqueue(NewJob.builder("slow").build()).job();
    await().atMost(Duration.ofSeconds(10)).until(() -> worker.runningCount() == 1);
    // the database goes away for longer than a lease
    faults.fail("heartbeat", WorkerFaultsTest::down);
    faults.fail("claim", WorkerFaultsTest::down);
    clock.skip(TTL.plusSeconds(1));

    await().atMost(Duration.ofSeconds(15)).until(() -> worker.runningCount() == 0);
    Job left = real.get(job.id());
    assertEquals(JobStatus.RUNNING, left.status(), "nothing recorded: its lease is left to run out");
    assertEquals(1, left.attempts());
    assertNull(left.error());
    // once the database is back the lease has run out; the job is reclaimed and runs again, not lost
    faults.heal("heartbeat");
    faults.heal("claim");
    await().atMost(Duration.ofSeconds(20)).until(() -> real.get(job.id()).attempts() == 2 && worker.runningCount() == 1);
  }
}
