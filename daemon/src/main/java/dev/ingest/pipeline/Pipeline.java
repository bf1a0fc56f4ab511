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
}
