package dev.ingest.queue;

import dev.ingest.core.JobStatus;
import java.time.Instant;

/** A job reached a terminal state: recorded in the same transaction as the change, kept until dispatched. */
public record JobEvent(long id, String jobId, JobStatus status, Instant at) {}
