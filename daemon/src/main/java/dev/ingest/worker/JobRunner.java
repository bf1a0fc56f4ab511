package dev.ingest.worker;

import dev.ingest.core.Job;
import dev.ingest.queue.Lease;
import java.time.Duration;

/** Runs one attempt of a job and returns its result summary as JSON. */
public interface JobRunner {
  String run(Lease lease, Execution execution) throws Exception;

  /** How long an attempt of this job may run before the worker stops it; null for no limit. */
  default Duration timeLimit(Job job) {
    return null;
  }
}
