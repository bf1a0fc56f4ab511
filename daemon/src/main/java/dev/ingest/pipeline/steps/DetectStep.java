package dev.ingest.pipeline.steps;

import dev.ingest.extract.TikaContentTypeDetector;
import dev.ingest.pipeline.Step;
import dev.ingest.pipeline.StepContext;

/** Names the file's media type from its content. */
public final class DetectStep implements Step {
  private final TikaContentTypeDetector detector = new TikaContentTypeDetector();

  @Override
  public String name() {
    return "detect";
  }

  @Override
  public void run(StepContext ctx) throws Exception {
    String type = detector.detect(ctx.localFile(), ctx.job().file().name());
    ctx.document().mimeType(type);
    ctx.document().result().put("type", type);
    ctx.progress(100, type);
  }
}
