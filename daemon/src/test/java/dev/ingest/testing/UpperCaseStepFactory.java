package dev.ingest.testing;

import dev.ingest.pipeline.Step;
import dev.ingest.pipeline.StepContext;
import dev.ingest.pipeline.StepFactory;
import java.util.Locale;
import java.util.Map;

/** An example custom step, found through META-INF/services: upper-cases the extracted text. */
public final class UpperCaseStepFactory implements StepFactory {
  @Override
  public String name() {
    return "upper";
  }

  @Override
  public Step create(Map<String, String> options) {
    String marker = options.getOrDefault("marker", "");
    return new Step() {
      @Override
      public String name() {
        return "upper";
      }

      @Override
      public void run(StepContext ctx) {
        ctx.document().text(marker + ctx.document().text().toUpperCase(Locale.ROOT));
        ctx.document().result().put("upper", true);
      }
    };
  }
}
