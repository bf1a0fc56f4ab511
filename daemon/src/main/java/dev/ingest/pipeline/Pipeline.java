package dev.ingest.pipeline;

import java.util.List;

/** A named, ordered list of steps. */
public record Pipeline(String name, List<Step> steps) {
  public Pipeline {
    steps = List.copyOf(steps);
  }
}
