package dev.ingest.testing;

import dev.ingest.pipeline.Step;
import dev.ingest.pipeline.StepContext;
import dev.ingest.pipeline.StepFactory;
import java.util.Map;

/** A step that always throws, for proving that failures are retried and the worker carries on. */
public final class ExplodingStepFactory implements StepFactory {
  @Override
  public String name() {
    return "explode";
  }

  @Override
  public Step create(Map<String, String> options) {
    return new Step() {
      @Override
      public String name() {
        return "explode";
      }

      @Override
      public void run(StepContext ctx) {
        throw new IllegalStateException("boom from the explode step");
      }
    };
  }
}
