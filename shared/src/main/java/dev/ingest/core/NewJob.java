package dev.ingest.core;

import java.util.Map;
import java.util.Objects;

/** What it takes to enqueue a job. Build with {@link #builder(String)}. */
public record NewJob(
    String tenant,
    String queue,
    String pipeline,
    int priority,
    int maxAttempts,
    String dedupeKey,
    FileRef file,
    Map<String, String> meta,
    java.time.Duration timeout,
    Map<String, String> options,
    String parent) {

  /** The tenant of jobs made without an API key, such as the local CLI's. */
  public static final String DEFAULT_TENANT = "default";
  public static final String DEFAULT_QUEUE = "default";
  public static final String DEFAULT_PIPELINE = "auto";
  public static final int DEFAULT_MAX_ATTEMPTS = 3;

  public NewJob {
    tenant = tenant == null ? DEFAULT_TENANT : tenant;
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(pipeline, "pipeline");
    if (maxAttempts < 1) {
      throw new InvalidInputException("max attempts must be at least 1, got " + maxAttempts);
    }
    meta = meta == null ? Map.of() : Map.copyOf(meta);
    options = options == null ? Map.of() : Map.copyOf(options);
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new InvalidInputException("a job's timeout must be positive, got " + timeout);
    }
  }

  public static Builder builder(String pipeline) {
    return new Builder(pipeline);
  }

  /** Builder with the defaults of DESIGN.md: queue {@code default}, priority normal, 3 attempts. */
  public static final class Builder {
    private String tenant = DEFAULT_TENANT;
    private String queue = DEFAULT_QUEUE;
    private final String pipeline;
    private int priority = Priority.NORMAL;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private String dedupeKey;
    private FileRef file;
    private Map<String, String> meta = Map.of();
    private java.time.Duration timeout;
    private Map<String, String> options = Map.of();
    private String parent;

    private Builder(String pipeline) {
      this.pipeline = pipeline;
    }

    public Builder tenant(String tenant) {
      this.tenant = tenant;
      return this;
    }

    public Builder queue(String queue) {
      this.queue = queue;
      return this;
    }

    public Builder priority(int priority) {
      this.priority = priority;
      return this;
    }

    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    public Builder dedupeKey(String dedupeKey) {
      this.dedupeKey = dedupeKey;
      return this;
    }

    public Builder file(FileRef file) {
      this.file = file;
      return this;
    }

    public Builder meta(Map<String, String> meta) {
      this.meta = meta;
      return this;
    }

    /** This job's own time limit, capped by its pipeline's; null for the pipeline's. */
    public Builder timeout(java.time.Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /** Step options for this job ({@code chunk.size=500}), over its pipeline's where the worker allows. */
    public Builder options(Map<String, String> options) {
      this.options = options;
      return this;
    }

    /** The job whose completion enqueued this one. */
    public Builder parent(String parent) {
      this.parent = parent;
      return this;
    }

    public NewJob build() {
      return new NewJob(tenant, queue, pipeline, priority, maxAttempts, dedupeKey, file, meta, timeout, options, parent);
    }
  }
}
