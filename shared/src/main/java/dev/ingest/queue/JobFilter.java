package dev.ingest.queue;

import dev.ingest.core.JobStatus;

/**
 * Which jobs {@link JobQueue#list} returns, newest first. Null fields do not filter: a null {@code tenant}
 * lists every tenant's jobs (the operator's view), a null {@code before} starts at the newest job; a
 * job id there continues a listing after that job.
 */
public record JobFilter(JobStatus status, String queue, int limit, String tenant, String before) {
  public static final int DEFAULT_LIMIT = 50;

  public JobFilter(JobStatus status, String queue, int limit) {
    this(status, queue, limit, null, null);
  }

  public static JobFilter all() {
    return new JobFilter(null, null, DEFAULT_LIMIT);
  }
}
