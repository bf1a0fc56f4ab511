package dev.ingest.upload;

import dev.ingest.core.NewJob;
import dev.ingest.core.Priority;
import java.util.Map;

/** How to store a file and what job to enqueue for it. */
public record UploadRequest(
    String pipeline,
    String queue,
    int priority,
    String dedupeKey,
    int maxAttempts,
    Map<String, String> meta,
    long partSize,
    int parallel,
    boolean force) {

  public static final int DEFAULT_PARALLEL = 4;

  public UploadRequest {
    meta = meta == null ? Map.of() : Map.copyOf(meta);
    if (parallel < 1 || parallel > 64) {
      throw new dev.ingest.core.InvalidInputException("--parallel must be between 1 and 64");
    }
  }

  public static UploadRequest defaults() {
    return new UploadRequest(
        NewJob.DEFAULT_PIPELINE, NewJob.DEFAULT_QUEUE, Priority.NORMAL, null, NewJob.DEFAULT_MAX_ATTEMPTS, Map.of(),
        0, DEFAULT_PARALLEL, false);
  }

  public UploadRequest withPipeline(String pipeline) {
    return new UploadRequest(pipeline, queue, priority, dedupeKey, maxAttempts, meta, partSize, parallel, force);
  }

  public UploadRequest withForce(boolean force) {
    return new UploadRequest(pipeline, queue, priority, dedupeKey, maxAttempts, meta, partSize, parallel, force);
  }
}
