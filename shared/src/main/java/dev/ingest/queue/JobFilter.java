package dev.ingest.queue;

import dev.ingest.core.JobStatus;

/** Which jobs {@link JobQueue#list} returns, newest first. Null fields do not filter. */
public record JobFilter(JobStatus status, String queue, int limit) {
  public static final int DEFAULT_LIMIT = 50;

  public static JobFilter all() {
    return new JobFilter(null, null, DEFAULT_LIMIT);
  }
}
