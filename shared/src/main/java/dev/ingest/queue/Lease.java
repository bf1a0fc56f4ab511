package dev.ingest.queue;

import dev.ingest.core.Job;
import java.time.Instant;

/** A worker's claim on one attempt of a job. */
public record Lease(Job job, String owner, int attempt, Instant expiresAt) {
  public String jobId() {
    return job.id();
  }
}
