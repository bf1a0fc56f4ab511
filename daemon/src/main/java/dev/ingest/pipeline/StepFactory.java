package dev.ingest.pipeline;

import java.util.Map;

/**
 * Makes steps by name. Custom steps plug in by implementing this interface and listing the class in
 * {@code META-INF/services/dev.ingest.pipeline.StepFactory}; the worker finds them on its class path.
 */
public interface StepFactory {
  /** The step name used in {@code pipeline.<name>.steps}. */
  String name();

  /** A step configured with the options of {@code pipeline.<pipeline>.<step>.<option>}. */
  Step create(Map<String, String> options);
}
