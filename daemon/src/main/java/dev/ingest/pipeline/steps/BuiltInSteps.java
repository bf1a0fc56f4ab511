package dev.ingest.pipeline.steps;

import dev.ingest.chunk.Chunker;
import dev.ingest.config.Durations;
import dev.ingest.embed.EmbeddingOptions;
import dev.ingest.webhook.WebhookSettings;
import dev.ingest.webhook.WebhookStep;
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
        factory("chunk", BuiltInSteps::chunk),
        factory("embed", o -> new EmbedStep(EmbeddingOptions.from(o))),
        factory("exec", ExecStep::from),
        factory("store", o -> new StoreStep()),
        factory("webhook", o -> new WebhookStep(WebhookSettings.from(o))),
        factory("delay", o -> new DelayStep(Durations.parse(o.getOrDefault("duration", "1s")))),
        factory("enqueue", EnqueueStep::from));
  }

  /**
   * {@code size} and {@code overlap} count characters, or approximate tokens with {@code unit=tokens} (four
   * characters to a token, the usual rule of thumb for English with OpenAI-style tokenizers).
   */
  private static Step chunk(Map<String, String> options) {
    String unit = options.getOrDefault("unit", "chars");
    int perUnit;
    if (unit.equals("chars") || unit.equals("characters")) {
      perUnit = 1;
    } else if (unit.equals("tokens")) {
      perUnit = CHARS_PER_TOKEN;
    } else {
      throw new IllegalArgumentException("chunk unit must be chars or tokens, not " + unit);
    }
    int size =
        options.containsKey("size") ? Integer.parseInt(options.get("size")) * perUnit : Chunker.DEFAULT_SIZE;
    // why: the default overlap follows a configured size, so "size=300" alone is a valid setting.
    int overlap =
        options.containsKey("overlap")
            ? Integer.parseInt(options.get("overlap")) * perUnit
            : Math.min(Chunker.DEFAULT_OVERLAP, size * 15 / 100);
    return new ChunkStep(size, overlap);
  }

  static final int CHARS_PER_TOKEN = 4;

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
