package dev.ingest.pipeline;

import dev.ingest.blob.BlobStore;
import dev.ingest.core.Clock;
import dev.ingest.core.Job;
import java.nio.file.Path;

/** What a step sees of the job it works on. */
public interface StepContext {
  Job job();

  /** The state steps pass along: type, text, chunks, result summary. */
  Document document();

  /** The job's file as a local file, fetched from the store once and checked against its SHA-256. */
  Path localFile();

  /** A scratch folder for this attempt, deleted when it ends. */
  Path workDir();

  BlobStore store();

  Clock clock();

  /** Reports how far this step has come (0..100) with a short message; writes are throttled. */
  void progress(int percent, String message);

  /** Throws when the job should stop now: cancelled, lease lost, or the worker shutting down. */
  void checkStopped();

  /**
   * Enqueues this job when the one running completes, in the same transaction as its completion: exactly
   * once, and not at all if this attempt does not complete.
   */
  void enqueueOnCompletion(dev.ingest.core.NewJob job);
}
