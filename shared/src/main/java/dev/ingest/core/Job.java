package dev.ingest.core;

import java.time.Instant;
import java.util.Map;

/**
 * A snapshot of one job as the queue holds it. {@code resultJson} is the pipeline's summary, raw JSON;
 * {@code timeout} the job's own time limit (null: its pipeline's); {@code options} its own step options;
 * {@code parent} the job whose completion enqueued it (a follow-up), or null.
 */
public record Job(
    String id,
    String queue,
    String pipeline,
    JobStatus status,
    int priority,
    int attempts,
    int maxAttempts,
    String dedupeKey,
    JobProgress progress,
    FileRef file,
    Map<String, String> meta,
    String resultJson,
    JobError error,
    boolean cancelRequested,
    String leaseOwner,
    Instant leaseExpiresAt,
    Instant runAt,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    String tenant,
    java.time.Duration timeout,
    Map<String, String> options,
    String parent) {
  public Job {
    options = options == null ? Map.of() : options;
  }
}
