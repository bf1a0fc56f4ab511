package dev.ingest.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingest.blob.local.LocalBlobStore;
import dev.ingest.core.Clock;
import dev.ingest.core.Ids;
import dev.ingest.core.Job;
import dev.ingest.core.JobStatus;
import dev.ingest.core.NewJob;
import dev.ingest.core.RetryPolicy;
import dev.ingest.extract.TikaContentTypeDetector;
import dev.ingest.files.sql.SqlFileCatalog;
import dev.ingest.pipeline.Pipelines;
import dev.ingest.queue.JobFilter;
import dev.ingest.queue.sql.Database;
import dev.ingest.queue.sql.SqlJobQueue;
import dev.ingest.testing.TestFiles;
import dev.ingest.upload.UploadListener;
import dev.ingest.upload.UploadRequest;
import dev.ingest.upload.UploadService;
import dev.ingest.upload.sql.SqlUploadSessions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerTest {
  @TempDir Path dir;
  private Database db;
  private SqlJobQueue queue;
  private LocalBlobStore store;
  private final List<Worker> workers = new ArrayList<>();

  @BeforeEach
  void setUp() {
    db = Database.open("sqlite:" + dir.resolve("ingest.db"), 8);
    queue = new SqlJobQueue(db, Clock.SYSTEM, RetryPolicy.backoff(Duration.ofMillis(50), 2.0).withJitter(0));
    store = new LocalBlobStore(dir.resolve("blobs"));
  }

  @AfterEach
  void tearDown() {
    workers.forEach(w -> w.shutdown(Duration.ZERO));
    db.close();
  }

  private Worker start(WorkerOptions options, Map<String, String> pipelineSettings) {
    return start(options, pipelineSettings, store);
  }

  private Worker start(WorkerOptions options, Map<String, String> pipelineSettings, dev.ingest.blob.BlobStore store) {
    Pipelines pipelines = new Pipelines(pipelineSettings);
    Worker worker =
        new Worker(Ids.worker(), queue, new PipelineRunner(pipelines, queue, store, Clock.SYSTEM), options, Clock.SYSTEM);
    workers.add(worker);
    worker.start("test-host", 1);
    return worker;
  }

  private static WorkerOptions fast(int concurrency) {
    return WorkerOptions.defaults().withConcurrency(concurrency).withLease(Duration.ofSeconds(30), Duration.ofMillis(300));
  }

  private Job upload(Path file, String pipeline) {
    UploadService uploads =
        new UploadService(store, new SqlFileCatalog(db), new SqlUploadSessions(db), queue, new TikaContentTypeDetector(), Clock.SYSTEM);
    return uploads.upload(file, UploadRequest.defaults().withPipeline(pipeline), UploadListener.NONE).job();
  }

  private Job enqueue(String pipeline) {
    return queue.enqueue(NewJob.builder(pipeline).build()).job();
  }

  private JobStatus statusOf(Job job) {
    return queue.get(job.id()).status();
  }

  @Test
  void autoPipelineTurnsAPdfIntoStoredTextAndChunks() throws Exception {
    Path pdf = TestFiles.pdf(dir.resolve("doc.pdf"), TestFiles.prose(20), TestFiles.prose(20));
    Job job = upload(pdf, "auto");
    start(fast(2), Map.of());
    await().atMost(Duration.ofSeconds(20)).until(() -> statusOf(job) == JobStatus.COMPLETED);
    Job done = queue.get(job.id());
    assertTrue(done.resultJson().contains("\"pages\":2"), done.resultJson());
    assertTrue(done.resultJson().contains("\"type\":\"application/pdf\""));
    String text =
        new String(dev.ingest.pipeline.Results.text(done, store).orElseThrow().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(text.replaceAll("\\s+", " ").contains("Sentence number 17 talks about ingestion"), text);
    String chunks =
        new String(dev.ingest.pipeline.Results.chunks(done, store).orElseThrow().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(chunks.lines().count() > 1);
    assertTrue(chunks.contains("\"page\":2"));
    assertEquals(100, done.progress().percent());
  }

  @Test
  void aJobsOwnChunkOptionsShapeItsChunksAndAForbiddenOneFailsItForGood() throws Exception {
    Path text = java.nio.file.Files.writeString(dir.resolve("prose.txt"), TestFiles.prose(60));
    UploadService uploads =
        new UploadService(store, new SqlFileCatalog(db), new SqlUploadSessions(db), queue, new TikaContentTypeDetector(), Clock.SYSTEM);
    Job small =
        uploads.upload(text, UploadRequest.defaults().withOptions(Map.of("chunk.size", "200", "chunk.overlap", "0")), UploadListener.NONE).job();
    Job forbidden = queue.enqueue(NewJob.builder("auto").file(small.file()).options(Map.of("exec.command", "rm")).build()).job();
    start(fast(2), Map.of());
    await().atMost(Duration.ofSeconds(20)).until(() -> statusOf(small) == JobStatus.COMPLETED && statusOf(forbidden).isTerminal());

    String chunks =
        new String(dev.ingest.pipeline.Results.chunks(queue.get(small.id()), store).orElseThrow().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(chunks.lines().count() > 5, chunks);
    for (String line : chunks.lines().toList()) {
      var chunk = dev.ingest.json.Json.MAPPER.readTree(line);
      assertTrue(chunk.path("end").asInt() - chunk.path("start").asInt() <= 200, line);
    }
    Job failed = queue.get(forbidden.id());
    assertEquals(JobStatus.FAILED, failed.status());
    assertEquals("option_not_allowed", failed.error().type());
    assertEquals(1, failed.attempts(), "not retried");
  }

  @Test
  void anEnqueueStepStartsOneFollowUpJobForTheSameFileWhenTheJobCompletes() throws Exception {
    Path text = java.nio.file.Files.writeString(dir.resolve("follow.txt"), TestFiles.prose(5));
    UploadService uploads =
        new UploadService(store, new SqlFileCatalog(db), new SqlUploadSessions(db), queue, new TikaContentTypeDetector(), Clock.SYSTEM);
    Job parent =
        uploads.upload(text, UploadRequest.defaults().withPipeline("docs").withOptions(Map.of()), UploadListener.NONE).job();
    queue.enqueue(NewJob.builder("noop").build()); // a job of another pipeline, to show only docs jobs follow up
    start(
        fast(1).withQueues(List.of("default")),
        Map.of(
            "pipeline.docs.steps", "extract,enqueue,chunk,store",
            "pipeline.docs.enqueue.pipeline", "index",
            "pipeline.docs.enqueue.queue", "indexing",
            "pipeline.docs.enqueue.priority", "high"));
    await().atMost(Duration.ofSeconds(20)).until(() -> statusOf(parent) == JobStatus.COMPLETED);

    List<Job> followUps = queue.list(new JobFilter(null, "indexing", 10));
    assertEquals(1, followUps.size());
    Job next = followUps.get(0);
    assertEquals(parent.id(), next.parent());
    assertEquals("index", next.pipeline());
    assertEquals(10, next.priority());
    assertEquals(parent.file().id(), next.file().id());
    assertEquals(JobStatus.QUEUED, next.status(), "left for the workers of the indexing queue");
    assertTrue(queue.get(parent.id()).resultJson().contains("\"followUp\":\"indexing/index\""));
  }

  /** The store, except that the first read of an object breaks off after 64 KiB, as a connection reset does. */
  private dev.ingest.blob.BlobStore breakingFirstRead(java.util.concurrent.atomic.AtomicInteger breaks) {
    return (dev.ingest.blob.BlobStore) java.lang.reflect.Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {dev.ingest.blob.BlobStore.class}, (p, method, args) -> {
          Object real;
          try {
            real = method.invoke(store, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
          if (!method.getName().equals("get") || breaks.getAndIncrement() > 0) {
            return real;
          }
          return new java.io.FilterInputStream((java.io.InputStream) real) {
            long read;

            @Override
            public int read(byte[] b, int off, int len) throws java.io.IOException {
              if (read >= 64 * 1024) {
                throw new java.net.SocketException("Connection reset");
              }
              int n = super.read(b, off, (int) Math.min(len, 64 * 1024 - read));
              read += Math.max(n, 0);
              return n;
            }
          };
        });
  }

  @Test
  void aReadOfItsFileThatBreaksOffRetriesTheJobRatherThanFailItAsCorrupt() throws Exception {
    byte[] text = TestFiles.prose(2500).getBytes(StandardCharsets.UTF_8);
    assertTrue(text.length > 128 * 1024, "long enough to break off in the middle: " + text.length);
    Job job = upload(java.nio.file.Files.write(dir.resolve("long.txt"), text), "auto");
    java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
    start(fast(1), Map.of(), breakingFirstRead(reads));

    await().atMost(Duration.ofSeconds(20)).until(() -> statusOf(job).isTerminal());
    Job done = queue.get(job.id());
    assertEquals(JobStatus.COMPLETED, done.status(), String.valueOf(done.error()));
    assertEquals(2, done.attempts(), "the broken read cost one attempt");
    List<dev.ingest.core.JobError> errors = queue.errors(job.id());
    assertEquals(1, errors.size());
    assertTrue(errors.get(0).message().contains("Connection reset"), errors.get(0).message());
    assertTrue(!errors.get(0).type().equals("integrity"), "a broken read is not a corrupt object: " + errors.get(0).type());
  }

  @Test
  void aJobWhoseStoredFileIsGoneOrCorruptFailsAtOnceSayingWhich() throws Exception {
    Job gone = upload(java.nio.file.Files.writeString(dir.resolve("gone.txt"), "this object will vanish"), "auto");
    Job corrupt = upload(java.nio.file.Files.writeString(dir.resolve("corrupt.txt"), "this object will rot"), "auto");
    store.delete(gone.file().blobKey());
    byte[] rotten = "this object will r0t".getBytes(StandardCharsets.UTF_8);
    store.put(corrupt.file().blobKey(), rotten, rotten.length);
    start(fast(2), Map.of());
    await().atMost(Duration.ofSeconds(20)).until(() -> statusOf(gone).isTerminal() && statusOf(corrupt).isTerminal());

    Job missing = queue.get(gone.id());
    assertEquals(JobStatus.FAILED, missing.status());
    assertEquals(1, missing.attempts(), "retrying cannot bring the object back");
    assertTrue(missing.error().message().contains(gone.file().blobKey()), missing.error().message());
    Job rotted = queue.get(corrupt.id());
    assertEquals(JobStatus.FAILED, rotted.status());
    assertEquals(1, rotted.attempts());
    assertEquals("integrity", rotted.error().type());
    assertTrue(rotted.error().message().contains("does not match its SHA-256"), rotted.error().message());
  }

  @Test
  void configuredPipelineRunsACustomStepFromTheClassPath() throws Exception {
    Path txt = java.nio.file.Files.writeString(dir.resolve("t.txt"), "quiet words");
    Job job = upload(txt, "loud");
    start(fast(1), Map.of("pipeline.loud.steps", "extract,upper,chunk,store", "pipeline.loud.upper.marker", "!"));
    await().atMost(Duration.ofSeconds(20)).until(() -> statusOf(job) == JobStatus.COMPLETED);
    String text =
        new String(dev.ingest.pipeline.Results.text(queue.get(job.id()), store).orElseThrow().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals("!QUIET WORDS", text);
  }

  @Test
  void everyJobRunsExactlyOnceAcrossConcurrentWorkers() {
    List<NewJob> jobs = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      jobs.add(NewJob.builder("noop").build());
    }
    queue.enqueueAll(jobs);
    start(fast(4), Map.of());
    start(fast(4), Map.of());
    await().atMost(Duration.ofSeconds(30))
        .until(() -> queue.list(new JobFilter(JobStatus.COMPLETED, null, 1000)).size() == 300);
    assertTrue(queue.list(new JobFilter(JobStatus.COMPLETED, null, 1000)).stream().allMatch(j -> j.attempts() == 1));
  }

  @Test
  void aFailingStepIsRetriedThenFailsAndTheWorkerCarriesOn() {
    Job bad = queue.enqueue(NewJob.builder("boom").maxAttempts(2).build()).job();
    start(fast(1), Map.of("pipeline.boom.steps", "explode"));
    await().atMost(Duration.ofSeconds(20)).until(() -> statusOf(bad) == JobStatus.FAILED);
    Job failed = queue.get(bad.id());
    assertEquals(2, failed.attempts());
    assertTrue(failed.error().message().contains("boom from the explode step"));
    assertEquals(2, queue.errors(bad.id()).size());
    Job next = enqueue("noop");
    await().atMost(Duration.ofSeconds(10)).until(() -> statusOf(next) == JobStatus.COMPLETED);
  }

  @Test
  void corruptInputFailsAtOnceWithoutRetries() throws Exception {
    Path bad = java.nio.file.Files.write(dir.resolve("broken.pdf"), "%PDF-1.4 nope".getBytes());
    Job job = upload(bad, "auto");
    start(fast(1), Map.of());
    await().atMost(Duration.ofSeconds(20)).until(() -> statusOf(job) == JobStatus.FAILED);
    Job failed = queue.get(job.id());
    assertEquals(1, failed.attempts());
    assertEquals("corrupt_input", failed.error().type());
    assertTrue(failed.error().message().startsWith("broken.pdf:"));
  }

  @Test
  void runningJobStopsWhenCancelledAndReportsProgressMeanwhile() {
    Job job = enqueue("slow");
    start(fast(1), Map.of("pipeline.slow.steps", "delay", "pipeline.slow.delay.duration", "60s"));
    await().atMost(Duration.ofSeconds(10)).until(() -> queue.get(job.id()).progress().stage() != null);
    assertEquals("delay", queue.get(job.id()).progress().stage());
    queue.cancel(job.id());
    await().atMost(Duration.ofSeconds(5)).until(() -> statusOf(job) == JobStatus.CANCELLED);
  }

  @Test
  void shutdownLetsAShortJobFinishWithinTheGrace() {
    Job job = enqueue("short");
    Worker w = start(fast(1), Map.of("pipeline.short.steps", "delay", "pipeline.short.delay.duration", "1s"));
    await().atMost(Duration.ofSeconds(10)).until(() -> statusOf(job) == JobStatus.RUNNING);
    w.shutdown(Duration.ofSeconds(20));
    assertEquals(JobStatus.COMPLETED, statusOf(job));
  }

  @Test
  void shutdownHandsALongJobBackAtOnceWhenTheGraceRunsOut() {
    Job first = enqueue("long");
    Job second = enqueue("long");
    Worker w = start(fast(1), Map.of("pipeline.long.steps", "delay", "pipeline.long.delay.duration", "60s"));
    await().atMost(Duration.ofSeconds(10)).until(() -> statusOf(first) == JobStatus.RUNNING || statusOf(second) == JobStatus.RUNNING);
    // why: ids are random, so which of the two equal jobs the one thread took is too.
    Job job = statusOf(first) == JobStatus.RUNNING ? first : second;
    Job waiting = job == first ? second : first;
    w.shutdown(Duration.ofMillis(500));
    Job back = queue.get(job.id());
    assertEquals(JobStatus.QUEUED, back.status());
    assertEquals(0, back.attempts(), "a hand-back does not spend an attempt");
    assertNull(back.leaseOwner());
    assertEquals(JobStatus.QUEUED, statusOf(waiting), "no new claims after shutdown began");
    assertTrue(queue.stats().liveWorkers().isEmpty(), "the worker unregistered");
  }

  @Test
  void drainingWorkerStopsByItselfWhenNothingIsDue() throws Exception {
    Job a = enqueue("noop");
    Job b = enqueue("noop");
    Worker w = start(fast(2).withDrain(true), Map.of());
    assertTrue(w.awaitStopped(Duration.ofSeconds(20)));
    assertEquals(JobStatus.COMPLETED, statusOf(a));
    assertEquals(JobStatus.COMPLETED, statusOf(b));
  }

  @Test
  void jobsOfAnotherQueueAreLeftAlone() throws Exception {
    Job mine = queue.enqueue(NewJob.builder("noop").queue("mine").build()).job();
    Job theirs = queue.enqueue(NewJob.builder("noop").queue("theirs").build()).job();
    Worker w = start(fast(1).withQueues(List.of("mine")).withDrain(true), Map.of());
    assertTrue(w.awaitStopped(Duration.ofSeconds(20)));
    assertEquals(JobStatus.COMPLETED, statusOf(mine));
    assertEquals(JobStatus.QUEUED, statusOf(theirs));
  }

  @Test
  void anExpectedFailureIsOneLogLineAndOnlyAnUnexpectedOneCarriesItsStackTrace() {
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(Worker.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen =
        new ch.qos.logback.core.read.ListAppender<>();
    seen.start();
    logger.addAppender(seen);
    try {
      Job peerDown = queue.enqueue(NewJob.builder("p").maxAttempts(1).meta(Map.of("fail", "peer")).build()).job();
      Job bug = queue.enqueue(NewJob.builder("p").maxAttempts(2).meta(Map.of("fail", "bug")).build()).job();
      JobRunner runner = (lease, execution) -> {
        if (lease.job().meta().get("fail").equals("peer")) {
          throw new dev.ingest.core.RetryableFailure("webhook_failed", "receiver answered 503");
        }
        throw new NullPointerException("a step's own bug");
      };
      Worker worker = new Worker(Ids.worker(), queue, runner, fast(2), Clock.SYSTEM);
      workers.add(worker);
      worker.start("test-host", 1);
      await().atMost(Duration.ofSeconds(10)).until(() -> statusOf(peerDown) == JobStatus.FAILED && statusOf(bug) == JobStatus.FAILED);

      var warnings = seen.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN).toList();
      var expected = warnings.stream().filter(e -> e.getFormattedMessage().contains(peerDown.id())).toList();
      var unexpected = warnings.stream().filter(e -> e.getFormattedMessage().contains(bug.id())).toList();
      assertTrue(!expected.isEmpty() && !unexpected.isEmpty(), warnings.toString());
      assertTrue(expected.stream().allMatch(e -> e.getThrowableProxy() == null), "a step's own failure has no trace");
      assertTrue(unexpected.stream().anyMatch(e -> e.getThrowableProxy() != null), "a bug keeps its trace");
    } finally {
      logger.detachAppender(seen);
    }
  }
}
