package dev.ingest.worker;

import dev.ingest.queue.Lease;

/** Runs one attempt of a job and returns its result summary as JSON. */
public interface JobRunner {
  String run(Lease lease, Execution execution) throws Exception;
}
