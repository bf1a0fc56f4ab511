package dev.ingest.pipeline;

import java.time.Duration;
import java.util.List;

/** A named, ordered list of steps, and the time a job of it may take ({@code pipeline.<name>.timeout}). */
public record Pipeline(String name, List<Step> steps, Duration timeout) {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);

  public Pipeline {
    steps = List.copyOf(steps);
  }

  public Pipeline(String name, List<Step> steps) {
    this(name, steps, DEFAULT_TIMEOUT);
  }

  /** A job's time limit: its own, capped by this pipeline's. */
  public Duration limitFor(Duration jobTimeout) {
    return jobTimeout == null || jobTimeout.compareTo(timeout) > 0 ? timeout : jobTimeout;
  }
}
