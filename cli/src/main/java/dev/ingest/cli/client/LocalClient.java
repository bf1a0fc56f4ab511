package dev.ingest.cli.client;

import dev.ingest.config.IngestRuntime;
import dev.ingest.core.Job;
import dev.ingest.core.JobError;
import dev.ingest.extract.TikaContentTypeDetector;
import dev.ingest.pipeline.Results;
import dev.ingest.queue.JobFilter;
import dev.ingest.queue.JobWatcher;
import dev.ingest.queue.QueueStats;
import dev.ingest.retention.RetentionService;
import dev.ingest.upload.UploadListener;
import dev.ingest.upload.UploadOutcome;
import dev.ingest.upload.UploadRequest;
import dev.ingest.upload.UploadService;
import dev.ingest.worker.JobCompletion;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** The client on the database and store themselves: the operator's view, every tenant's jobs. */
public final class LocalClient implements IngestClient {
  private final Supplier<IngestRuntime> open;
  private IngestRuntime runtime;
  private UploadService uploads;

  /** {@code open} opens the runtime on first use, so a command that fails its checks opens nothing. */
  public LocalClient(Supplier<IngestRuntime> open) {
    this.open = open;
  }

  private synchronized IngestRuntime runtime() {
    if (runtime == null) {
      runtime = open.get();
    }
    return runtime;
  }

  @Override
  public void connect() {
    // why: a database or store that cannot be opened is one error before the batch, not one per file
    runtime().store();
  }

  @Override
  public UploadOutcome upload(Path file, UploadRequest request, UploadListener listener) {
    synchronized (this) {
      if (uploads == null) {
        // why: with a type policy the recorded type must be the content's, the one the policy was checked on;
        // without one, the worker's detect step reads the content anyway, and a name spares each file Tika's magic.
        boolean policy =
            dev.ingest.upload.UploadLimits.parse(null, runtime().config().get("upload.allowed-types").orElse(null)).limitsTypes();
        uploads = runtime().uploads(policy ? new TikaContentTypeDetector() : TikaContentTypeDetector.nameFirst());
      }
    }
    return uploads.upload(file, request, listener);
  }

  @Override
  public Optional<Job> find(String jobId) {
    return runtime().queue().find(jobId);
  }

  @Override
  public Job get(String jobId) {
    return runtime().queue().get(jobId);
  }

  @Override
  public List<JobError> errors(String jobId) {
    return runtime().queue().errors(jobId);
  }

  @Override
  public List<Job> follow(List<String> jobIds, Consumer<Job> onChange) throws InterruptedException {
    return new JobWatcher(runtime().queue(), JobWatcher.DEFAULT_INTERVAL).follow(jobIds, onChange);
  }

  @Override
  public List<Job> await(List<String> jobIds, Collection<String> queues, Consumer<Job> onChange, Consumer<String> note)
      throws InterruptedException {
    return new JobCompletion(runtime()).await(jobIds, queues, onChange, note);
  }

  @Override
  public Result result(Job job, boolean chunks) {
    Optional<InputStream> stored = chunks ? Results.chunks(job, runtime().store()) : Results.text(job, runtime().store());
    if (stored.isPresent()) {
      return new Result(stored.get(), false);
    }
    String summary = (job.resultJson() == null ? "{}" : job.resultJson()) + "\n";
    return new Result(new ByteArrayInputStream(summary.getBytes(StandardCharsets.UTF_8)), true);
  }

  @Override
  public List<Job> list(JobFilter filter) {
    return runtime().queue().list(filter);
  }

  @Override
  public Job cancel(String jobId) {
    return runtime().queue().cancel(jobId);
  }

  @Override
  public Job retry(String jobId) {
    return runtime().queue().retry(jobId);
  }

  @Override
  public QueueStats stats() {
    return runtime().queue().stats();
  }

  @Override
  public RetentionService.Report cleanup(Duration olderThan, boolean dryRun) {
    return runtime().retention().cleanup(olderThan, dryRun, true);
  }

  @Override
  public dev.ingest.deletion.DeleteService.Report deleteJobs(List<String> jobIds, Duration wait) throws InterruptedException {
    return runtime().deletes().deleteJobs(null, jobIds, wait);
  }

  @Override
  public dev.ingest.deletion.DeleteService.Report deleteFiles(List<String> fileIds, Duration wait) throws InterruptedException {
    return runtime().deletes().deleteFiles(null, fileIds, wait);
  }

  @Override
  public List<dev.ingest.files.StoredFile> files(int limit) {
    return runtime().deletes().listFiles(null, limit);
  }

  @Override
  public synchronized void close() {
    if (runtime != null) {
      runtime.close();
    }
  }
}
