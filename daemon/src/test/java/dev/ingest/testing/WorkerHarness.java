package dev.ingest.testing;

import static org.awaitility.Awaitility.await;

import dev.ingest.blob.local.LocalBlobStore;
import dev.ingest.core.Clock;
import dev.ingest.core.Ids;
import dev.ingest.core.Job;
import dev.ingest.core.JobStatus;
import dev.ingest.core.RetryPolicy;
import dev.ingest.extract.TikaContentTypeDetector;
import dev.ingest.files.sql.SqlFileCatalog;
import dev.ingest.pipeline.Pipelines;
import dev.ingest.pipeline.Results;
import dev.ingest.queue.sql.Database;
import dev.ingest.queue.sql.SqlJobQueue;
import dev.ingest.upload.UploadListener;
import dev.ingest.upload.UploadRequest;
import dev.ingest.upload.UploadService;
import dev.ingest.upload.sql.SqlUploadSessions;
import dev.ingest.worker.PipelineRunner;
import dev.ingest.worker.Worker;
import dev.ingest.worker.WorkerOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;

/** A real SQLite queue, a local store and one worker with given pipeline settings, for pipeline tests. */
public final class WorkerHarness implements AutoCloseable {
  public final Database db;
  public final SqlJobQueue queue;
  public final LocalBlobStore store;
  private Worker worker;

  public WorkerHarness(Path dir) {
    db = Database.open("sqlite:" + dir.resolve("ingest.db"), 8);
    queue = new SqlJobQueue(db, Clock.SYSTEM, RetryPolicy.backoff(Duration.ofMillis(50), 2.0).withJitter(0));
    store = new LocalBlobStore(dir.resolve("blobs"));
  }

  public WorkerHarness start(Map<String, String> settings) {
    Pipelines pipelines = new Pipelines(settings);
    WorkerOptions options =
        WorkerOptions.defaults().withConcurrency(2).withLease(Duration.ofSeconds(30), Duration.ofMillis(300));
    worker = new Worker(Ids.worker(), queue, new PipelineRunner(pipelines, queue, store, Clock.SYSTEM), options, Clock.SYSTEM);
    worker.start("test-host", 1);
    return this;
  }

  public Job upload(Path file, String pipeline) {
    UploadService uploads =
        new UploadService(store, new SqlFileCatalog(db), new SqlUploadSessions(db), queue, new TikaContentTypeDetector(), Clock.SYSTEM);
    return uploads.upload(file, UploadRequest.defaults().withPipeline(pipeline), UploadListener.NONE).job();
  }

  /** Waits until the job is completed, failed or cancelled, and returns it. */
  public Job awaitFinished(Job job) {
    EnumSet<JobStatus> terminal = EnumSet.of(JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED);
    await().atMost(Duration.ofSeconds(30)).until(() -> terminal.contains(queue.get(job.id()).status()));
    return queue.get(job.id());
  }

  /** Waits until the job reaches this status, and returns it. */
  public Job awaitStatus(Job job, JobStatus status) {
    await().atMost(Duration.ofSeconds(30)).until(() -> queue.get(job.id()).status() == status);
    return queue.get(job.id());
  }

  public String text(Job job) throws IOException {
    return read(Results.text(job, store));
  }

  public String chunks(Job job) throws IOException {
    return read(Results.chunks(job, store));
  }

  private static String read(Optional<InputStream> in) throws IOException {
    try (InputStream s = in.orElseThrow()) {
      return new String(s.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Override
  public void close() {
    if (worker != null) {
      worker.shutdown(Duration.ZERO);
    }
    db.close();
  }
}
