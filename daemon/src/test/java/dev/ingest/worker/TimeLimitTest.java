package dev.ingest.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingest.blob.local.LocalBlobStore;
import dev.ingest.core.Clock;
import dev.ingest.core.Ids;
import dev.ingest.core.Job;
import dev.ingest.core.JobStatus;
import dev.ingest.core.NewJob;
import dev.ingest.extract.TikaContentTypeDetector;
import dev.ingest.files.sql.SqlFileCatalog;
import dev.ingest.metrics.WorkerMetrics;
import dev.ingest.pipeline.Pipeline;
import dev.ingest.pipeline.Pipelines;
import dev.ingest.queue.Lease;
import dev.ingest.queue.sql.Database;
import dev.ingest.queue.sql.SqlJobQueue;
import dev.ingest.upload.UploadListener;
import dev.ingest.upload.UploadRequest;
import dev.ingest.upload.UploadService;
import dev.ingest.testing.WorkerHarness;
import dev.ingest.upload.sql.SqlUploadSessions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jobs that run past their time limit are stopped, recorded as {@code timeout} and never hold a slot for ever. */
class TimeLimitTest {
  @TempDir Path dir;
  private WorkerHarness h;
  private Database db;
  private SqlJobQueue queue;
  private LocalBlobStore store;
  private final List<Worker> workers = new ArrayList<>();

  @BeforeEach
  void setUp() {
    h = new WorkerHarness(dir);
    db = h.db;
    queue = h.queue;
    store = h.store;
  }

  @AfterEach
  void tearDown() {
    workers.forEach(w -> w.shutdown(Duration.ZERO));
    h.close();
  }

  private Worker start(JobRunner runner, int concurrency, WorkerEvents events) {
    WorkerOptions options =
        WorkerOptions.defaults().withConcurrency(concurrency).withLease(Duration.ofSeconds(30), Duration.ofMillis(300));
    Worker worker = new Worker(Ids.worker(), queue, runner, options, Clock.SYSTEM).timeoutGrace(Duration.ofMillis(300)).observedBy(events);
    workers.add(worker);
    worker.start("test-host", 1);
    return worker;
  }

  private PipelineRunner pipelines(Map<String, String> settings) {
    return new PipelineRunner(new Pipelines(settings), queue, store, Clock.SYSTEM);
  }

  private Job finished(Job job) {
    await().atMost(Duration.ofSeconds(30)).until(() -> queue.get(job.id()).status().isTerminal());
    return queue.get(job.id());
  }

  @Test
  void aJobPastItsPipelinesLimitIsStoppedRetriedAndFailedAsTimeout() {
    WorkerMetrics metrics = new WorkerMetrics();
    start(pipelines(Map.of("pipeline.slow.steps", "delay", "pipeline.slow.delay.duration", "1h", "pipeline.slow.timeout", "300ms")), 1, metrics);
    Job job = queue.enqueue(NewJob.builder("slow").maxAttempts(2).build()).job();

    Job done = finished(job);
    assertEquals(JobStatus.FAILED, done.status());
    assertEquals(2, done.attempts(), "a timeout is retryable");
    assertEquals("timeout", done.error().type());
    assertEquals("ran past its time limit of 300ms in step delay", done.error().message());
    assertTrue(done.error().retryable());
    assertEquals(2, queue.errors(job.id()).stream().filter(e -> e.type().equals("timeout")).count());
    String scrape = metrics.scrape();
    assertTrue(scrape.contains("ingest_jobs_timed_out_total{abandoned=\"false\",pipeline=\"slow\"} 2.0"), scrape);
  }

  @Test
  void aJobsOwnShorterLimitWinsAndTheLongerIsCappedByThePipeline() {
    PipelineRunner runner =
        pipelines(Map.of("pipeline.slow.steps", "delay", "pipeline.slow.delay.duration", "1h", "pipeline.slow.timeout", "1h"));
    start(runner, 1, WorkerEvents.NONE);
    Job own = queue.enqueue(NewJob.builder("slow").maxAttempts(1).timeout(Duration.ofMillis(400)).build()).job();

    Job done = finished(own);
    assertEquals(JobStatus.FAILED, done.status());
    assertEquals("ran past its time limit of 400ms in step delay", done.error().message());

    Job longer = queue.enqueue(NewJob.builder("slow").timeout(Duration.ofDays(2)).build()).job();
    assertEquals(Duration.ofHours(1), runner.timeLimit(queue.get(longer.id())), "capped by pipeline.slow.timeout");
    assertEquals(
        Duration.ofMinutes(30), pipelines(Map.of("pipeline.slow.steps", "delay")).timeLimit(queue.get(longer.id())),
        "without pipeline.slow.timeout the default of 30m caps it");
    assertEquals(Pipeline.DEFAULT_TIMEOUT, Duration.ofMinutes(30));
    queue.cancel(longer.id());
  }

  @Test
  void aStepThatIgnoresTheStopLosesItsSlotAndItsLeaseButNotTheWorker() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean stuckReturned = new AtomicBoolean();
    JobRunner runner =
        new JobRunner() {
          @Override
          public String run(Lease lease, Execution execution) {
            if (lease.job().pipeline().equals("stuck")) {
              // a parser in a loop: deaf to interrupts and to the stop flag
              while (true) {
                try {
                  if (release.await(10, TimeUnit.SECONDS)) {
                    break;
                  }
                } catch (InterruptedException ignored) {
                  // ignored on purpose
                }
              }
              stuckReturned.set(true);
              return "{\"late\":true}";
            }
            return "{}";
          }

          @Override
          public Duration timeLimit(Job job) {
            return job.pipeline().equals("stuck") ? Duration.ofMillis(300) : null;
          }
        };
    WorkerMetrics metrics = new WorkerMetrics();
    Worker worker = start(runner, 1, metrics);
    Job stuck = queue.enqueue(NewJob.builder("stuck").maxAttempts(1).build()).job();
    Job next = queue.enqueue(NewJob.builder("quick").build()).job();

    Job timedOut = finished(stuck);
    assertEquals(JobStatus.FAILED, timedOut.status());
    assertEquals("timeout", timedOut.error().type());
    assertEquals(JobStatus.COMPLETED, finished(next).status(), "the one slot was given back while the stuck step runs on");
    assertTrue(!stuckReturned.get());
    assertEquals(null, queue.get(stuck.id()).leaseOwner(), "its lease is released");
    assertTrue(metrics.scrape().contains("ingest_jobs_timed_out_total{abandoned=\"true\",pipeline=\"stuck\"} 1.0"));

    release.countDown();
    await().atMost(Duration.ofSeconds(10)).untilTrue(stuckReturned);
    await().atMost(Duration.ofSeconds(10)).until(() -> worker.runningCount() == 0);
    assertEquals(JobStatus.FAILED, queue.get(stuck.id()).status(), "a late return changes nothing");
    // and the worker still runs one job at a time, then more
    Job after = queue.enqueue(NewJob.builder("quick").build()).job();
    assertEquals(JobStatus.COMPLETED, finished(after).status());
  }

  @Test
  void anExecChildPastTheLimitIsKilled() throws Exception {
    String marker = "613.25"; // a sleep no other process runs
    Path file = Files.writeString(dir.resolve("in.txt"), "input");
    UploadService uploads =
        new UploadService(store, new SqlFileCatalog(db), new SqlUploadSessions(db), queue, new TikaContentTypeDetector(), Clock.SYSTEM);
    Job job =
        uploads.upload(file, UploadRequest.defaults().withPipeline("sleepy").withTimeout(Duration.ofSeconds(1)), UploadListener.NONE).job();
    start(pipelines(Map.of("pipeline.sleepy.steps", "exec", "pipeline.sleepy.exec.command", "sleep " + marker)), 1, WorkerEvents.NONE);
    await().atMost(Duration.ofSeconds(10)).until(() -> sleeping(marker));

    await().atMost(Duration.ofSeconds(30)).until(() -> queue.get(job.id()).error() != null);
    assertEquals("timeout", queue.get(job.id()).error().type());
    assertEquals("ran past its time limit of 1s in step exec", queue.get(job.id()).error().message());
    await().atMost(Duration.ofSeconds(10)).until(() -> !sleeping(marker));
    queue.cancel(job.id());
  }

  private static boolean sleeping(String marker) {
    return ProcessHandle.allProcesses()
        .anyMatch(p -> p.info().commandLine().map(c -> c.contains("sleep " + marker)).orElse(false));
  }
}
