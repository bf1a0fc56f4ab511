package dev.ingest.pipeline.steps;

import dev.ingest.chunk.Chunker;
import dev.ingest.config.Durations;
import dev.ingest.pipeline.Step;
import dev.ingest.pipeline.StepFactory;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Factories for the steps that ship with ingest. */
public final class BuiltInSteps {
  private BuiltInSteps() {}

  public static List<StepFactory> all() {
    return List.of(
        factory("detect", o -> new DetectStep()),
        factory("extract", o -> new ExtractStep()),
        factory(
            "chunk",
            o -> new ChunkStep(
                Integer.parseInt(o.getOrDefault("size", String.valueOf(Chunker.DEFAULT_SIZE))),
                Integer.parseInt(o.getOrDefault("overlap", String.valueOf(Chunker.DEFAULT_OVERLAP))))),
        factory("store", o -> new StoreStep()),
        factory("delay", o -> new DelayStep(Durations.parse(o.getOrDefault("duration", "1s")))));
  }

  private static StepFactory factory(String name, Function<Map<String, String>, Step> create) {
    return new StepFactory() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Step create(Map<String, String> options) {
        return create.apply(options);
      }
    };
  }

}
