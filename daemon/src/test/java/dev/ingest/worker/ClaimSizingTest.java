package dev.ingest.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingest.core.Clock;
import dev.ingest.core.Ids;
import dev.ingest.core.JobStatus;
import dev.ingest.core.NewJob;
import dev.ingest.core.RetryPolicy;
import dev.ingest.queue.JobFilter;
import dev.ingest.queue.JobQueue;
import dev.ingest.queue.Lease;
import dev.ingest.queue.sql.Database;
import dev.ingest.queue.sql.SqlJobQueue;
import dev.ingest.testing.Faults;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's default claiming (no {@code --prefetch}): ahead for short jobs, only for free threads for long
 * ones, and jobs claimed ahead handed back when they turn out long, so idle workers share them.
 */
@Timeout(120)
class ClaimSizingTest {
  private static final Duration LONG = Duration.ofSeconds(1);
  @TempDir Path dir;
  private Database db;
  private SqlJobQueue queue;
  private final List<Worker> workers = new ArrayList<>();
  /** Jobs each worker ran, by worker id. */
  private final Map<String, AtomicInteger> ran = new ConcurrentHashMap<>();

  @BeforeEach
  void setUp() {
    db = Database.open("sqlite:" + dir.resolve("ingest.db"), 8);
    queue = new SqlJobQueue(db, Clock.SYSTEM, RetryPolicy.DEFAULT);
  }

  @AfterEach
  void tearDown() {
    workers.forEach(w -> w.shutdown(Duration.ZERO));
    db.close();
  }

  /** A worker with the default options but two threads, running "short" jobs at once and "long" ones for 1 s. */
  private Worker start(JobQueue through) {
    String id = Ids.worker();
    AtomicInteger count = ran.computeIfAbsent(id, k -> new AtomicInteger());
    JobRunner runner =
        (Lease lease, Execution execution) -> {
          count.incrementAndGet();
          if (lease.job().pipeline().equals("long")) {
            Thread.sleep(LONG.toMillis());
          }
          return "{}";
        };
    WorkerOptions options = WorkerOptions.defaults().withConcurrency(2);
    Worker worker = new Worker(id, through, runner, options, Clock.SYSTEM);
    workers.add(worker);
    worker.start("test-host", 1);
    return worker;
  }

  private void enqueue(String pipeline, int n) {
    List<NewJob> jobs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      jobs.add(NewJob.builder(pipeline).build());
    }
    queue.enqueueAll(jobs);
  }

  private int count(JobStatus status) {
    return queue.list(new JobFilter(status, null, 10_000)).size();
  }

  @Test
  void shortJobsAreClaimedInBatchesAheadOfTheThreads() {
    Faults<JobQueue> counted = Faults.of(JobQueue.class, queue);
    enqueue("short", 2_000);
    start(counted.proxy());
    await().atMost(Duration.ofSeconds(60)).until(() -> count(JobStatus.COMPLETED) == 2_000);
    // why: claiming only for two free threads takes 1,000 round trips at least; batches take far fewer.
    assertTrue(counted.calls("claim") < 100, counted.calls("claim") + " claims for 2,000 short jobs");
  }

  @Test
  void onlyJobsBeyondTheIdleThreadsAndTwiceTheTargetGoBack() {
    ClaimSizer sizer = new ClaimSizer(2, WorkerOptions.AUTO);
    // why: a job claimed a moment ago waits for a thread that is free; it is not ahead (the jar's workers
    // handed such jobs back and claimed them again in a loop).
    assertEquals(0, sizer.surplus(1, 1, 0));
    assertEquals(0, sizer.surplus(2, 2, 0));
    assertEquals(4, sizer.surplus(4, 0, 0), "long jobs claimed ahead while every thread is busy");
    assertEquals(0, sizer.surplus(20, 0, 10), "within twice the target");
    assertEquals(11, sizer.surplus(21, 0, 10), "down to the target");
    assertEquals(0, new ClaimSizer(2, 8).surplus(50, 0, 8), "a fixed --prefetch keeps what it claimed");
  }

  @Test
  void longJobsAreSharedEvenlyByThreeWorkersStartedOneAfterAnother() {
    enqueue("long", 6);
    Worker first = start(queue);
    await().atMost(Duration.ofSeconds(10)).until(() -> first.runningCount() > 0 && count(JobStatus.RUNNING) >= 2);
    start(queue);
    start(queue);
    await().atMost(Duration.ofSeconds(30)).until(() -> count(JobStatus.COMPLETED) == 6);
    // why: had the first worker claimed ahead, it would hold 4 of the 6 and one of the others would idle.
    ran.values().forEach(n -> assertEquals(2, n.get(), "jobs per worker: " + ran));
  }

  @Test
  void aWorkerThatLearnedShortJobsGivesLongOnesClaimedAheadBackToIdleWorkers() {
    enqueue("short", 500);
    Worker learned = start(queue);
    await().atMost(Duration.ofSeconds(30)).until(() -> count(JobStatus.COMPLETED) == 500);

    enqueue("long", 6); // all of them claimed ahead by the worker that knows only short jobs
    await().atMost(Duration.ofSeconds(10)).until(() -> learned.runningCount() > 0);
    start(queue);
    start(queue);
    await().atMost(Duration.ofSeconds(30)).until(() -> count(JobStatus.COMPLETED) == 506);
    int learnedRan = ran.get(learned.id()).get() - 500;
    assertEquals(2, learnedRan, "long jobs per worker: " + ran);
    ran.forEach((id, n) -> {
      if (!id.equals(learned.id())) {
        assertEquals(2, n.get(), "long jobs per worker: " + ran);
      }
    });
    // why: a job given back was not an attempt; each ran once.
    queue.list(new JobFilter(null, null, 10_000)).forEach(j -> assertEquals(1, j.attempts(), j.id()));
  }
}
