package dev.ingest.queue;

import dev.ingest.core.Job;

/** The job an enqueue produced, and whether it was an existing job returned because of deduplication. */
public record EnqueueResult(Job job, boolean deduplicated) {}
