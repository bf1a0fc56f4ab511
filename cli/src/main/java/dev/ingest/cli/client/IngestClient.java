package dev.ingest.cli.client;

import dev.ingest.core.Job;
import dev.ingest.core.JobError;
import dev.ingest.queue.JobFilter;
import dev.ingest.queue.QueueStats;
import dev.ingest.retention.RetentionService;
import dev.ingest.upload.UploadListener;
import dev.ingest.upload.UploadOutcome;
import dev.ingest.upload.UploadRequest;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What the CLI's client commands ask of ingest. {@link LocalClient} works on the database and store;
 * {@link RemoteClient} speaks the HTTP API of {@code ingest serve}. Commands call this and never ask which
 * one they hold, so both modes print the same and exit the same.
 */
public interface IngestClient extends AutoCloseable {

  /**
   * Reaches what uploads need (the database, for the local client) before a batch starts, so that one that is
   * down is one error for the command, not one per file. Does nothing where there is nothing to open first.
   */
  default void connect() {}

  /** Stores a file and enqueues its job (or finds the existing one). */
  UploadOutcome upload(Path file, UploadRequest request, UploadListener listener);

  Optional<Job> find(String jobId);

  /** The job, or {@link dev.ingest.core.NotFoundException}. */
  Job get(String jobId);

  /** Every attempt's error, oldest first. */
  List<JobError> errors(String jobId);

  /** Reports each visible change of the jobs (and each once at first) until all are finished. */
  List<Job> follow(List<String> jobIds, Consumer<Job> onChange) throws InterruptedException;

  /**
   * Waits for jobs to finish. The local client runs a worker in this process when none serves the queues;
   * {@code note} hears why.
   */
  List<Job> await(List<String> jobIds, Collection<String> queues, Consumer<Job> onChange, Consumer<String> note)
      throws InterruptedException;

  /**
   * What {@code ingest result} prints for a completed job: its stored text (or chunks), or, when the pipeline
   * stored none, its result summary.
   */
  Result result(Job job, boolean chunks);

  /** A result's bytes; {@code summary} when they are the job's result summary rather than stored content. */
  record Result(InputStream content, boolean summary) {}

  List<Job> list(JobFilter filter);

  Job cancel(String jobId);

  Job retry(String jobId);

  QueueStats stats();

  RetentionService.Report cleanup(Duration olderThan, boolean dryRun);

  /**
   * Deletes jobs for good with their results, and their files when no other job uses them; running ones
   * are cancelled and waited for up to {@code wait}. Every id is checked before anything is deleted.
   */
  dev.ingest.deletion.DeleteService.Report deleteJobs(List<String> jobIds, Duration wait) throws InterruptedException;

  /** Deletes stored files for good with every job of them, as {@link #deleteJobs} does. */
  dev.ingest.deletion.DeleteService.Report deleteFiles(List<String> fileIds, Duration wait) throws InterruptedException;

  /** Stored files, newest first. */
  List<dev.ingest.files.StoredFile> files(int limit);

  @Override
  void close();
}
