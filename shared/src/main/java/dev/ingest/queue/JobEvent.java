package dev.ingest.queue;

import java.time.Instant;

/**
 * Something subscribers hear of, recorded in the same transaction as the change and kept until dispatched:
 * a job reached a terminal state ({@code type} completed, failed or cancelled), or was deleted ({@code deleted},
 * with {@code body}, the job's JSON as it was, since its row is gone).
 */
public record JobEvent(long id, String jobId, String type, Instant at, String body) {
  public static final String DELETED = "deleted";
}
