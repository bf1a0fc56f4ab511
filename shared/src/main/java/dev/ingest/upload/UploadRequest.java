package dev.ingest.upload;

import dev.ingest.config.Sizes;
import dev.ingest.core.InvalidInputException;
import dev.ingest.core.JobFields;
import dev.ingest.core.NewJob;
import dev.ingest.core.Priority;
import java.util.Map;

/**
 * How to store a file and what job to enqueue for it. {@code limitRate} caps the upload's bandwidth in bytes
 * per second (0: no cap); {@code timeout} is the job's own time limit (null: the pipeline's); {@code options}
 * its own step options ({@code chunk.size=500}).
 */
public record UploadRequest(
    String pipeline,
    String queue,
    int priority,
    String dedupeKey,
    int maxAttempts,
    Map<String, String> meta,
    long partSize,
    int parallel,
    boolean force,
    long limitRate,
    java.time.Duration timeout,
    Map<String, String> options) {

  public static final int DEFAULT_PARALLEL = 4;

  public static final int MAX_PARALLEL = 64;

  /**
   * Checks every field as the HTTP API names it; the CLI checks its flags first (see {@link #checkParallel},
   * {@link #checkPartSize} and {@link JobFields}) so that its errors name the flag.
   */
  public UploadRequest {
    JobFields.name("pipeline", pipeline);
    JobFields.name("queue", queue);
    if (dedupeKey != null) {
      JobFields.nonBlank("dedupeKey", dedupeKey);
    }
    JobFields.maxAttempts("maxAttempts", maxAttempts);
    meta = meta == null ? Map.of() : Map.copyOf(JobFields.meta("meta", meta));
    options = options == null ? Map.of() : Map.copyOf(JobFields.options("option", options));
    checkPartSize("partSize", partSize);
    checkParallel("parallel", parallel);
    if (timeout != null) {
      checkTimeout("timeout", timeout);
    }
    if (limitRate < 0) {
      throw new InvalidInputException("limitRate must not be negative, got " + limitRate);
    }
  }

  public UploadRequest(
      String pipeline, String queue, int priority, String dedupeKey, int maxAttempts, Map<String, String> meta,
      long partSize, int parallel, boolean force) {
    this(pipeline, queue, priority, dedupeKey, maxAttempts, meta, partSize, parallel, force, 0, null, Map.of());
  }

  /** A job's own time limit: at least a second, at most a week (its pipeline's limit caps it anyway). */
  public static java.time.Duration checkTimeout(String label, java.time.Duration timeout) {
    if (timeout.compareTo(java.time.Duration.ofSeconds(1)) < 0 || timeout.compareTo(java.time.Duration.ofDays(7)) > 0) {
      throw new InvalidInputException(label + " must be between 1s and 7d, got " + dev.ingest.config.Durations.format(timeout));
    }
    return timeout;
  }

  /** 0 (sized to the file) or a size S3 accepts for a part. */
  public static long checkPartSize(String label, long partSize) {
    if (partSize != 0 && (partSize < PartSizer.MIN_PART_SIZE || partSize > PartSizer.MAX_PART_SIZE)) {
      throw new InvalidInputException(
          label + " must be between " + Sizes.human(PartSizer.MIN_PART_SIZE) + " and "
              + Sizes.human(PartSizer.MAX_PART_SIZE) + ", got " + Sizes.human(partSize));
    }
    return partSize;
  }

  public static int checkParallel(String label, int parallel) {
    if (parallel < 1 || parallel > MAX_PARALLEL) {
      throw new InvalidInputException(label + " must be between 1 and " + MAX_PARALLEL + ", got " + parallel);
    }
    return parallel;
  }

  public static UploadRequest defaults() {
    return new UploadRequest(
        NewJob.DEFAULT_PIPELINE, NewJob.DEFAULT_QUEUE, Priority.NORMAL, null, NewJob.DEFAULT_MAX_ATTEMPTS, Map.of(),
        0, DEFAULT_PARALLEL, false);
  }

  public UploadRequest withPipeline(String pipeline) {
    return new UploadRequest(pipeline, queue, priority, dedupeKey, maxAttempts, meta, partSize, parallel, force, limitRate, timeout, options);
  }

  public UploadRequest withForce(boolean force) {
    return new UploadRequest(pipeline, queue, priority, dedupeKey, maxAttempts, meta, partSize, parallel, force, limitRate, timeout, options);
  }

  public UploadRequest withTimeout(java.time.Duration timeout) {
    return new UploadRequest(pipeline, queue, priority, dedupeKey, maxAttempts, meta, partSize, parallel, force, limitRate, timeout, options);
  }

  public UploadRequest withOptions(Map<String, String> options) {
    return new UploadRequest(pipeline, queue, priority, dedupeKey, maxAttempts, meta, partSize, parallel, force, limitRate, timeout, options);
  }

  public UploadRequest withLimitRate(long limitRate) {
    return new UploadRequest(pipeline, queue, priority, dedupeKey, maxAttempts, meta, partSize, parallel, force, limitRate, timeout, options);
  }
}
