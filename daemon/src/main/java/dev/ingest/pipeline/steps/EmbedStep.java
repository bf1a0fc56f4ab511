package dev.ingest.pipeline.steps;

import dev.ingest.embed.EmbeddingClient;
import dev.ingest.embed.EmbeddingOptions;
import dev.ingest.pipeline.Chunk;
import dev.ingest.pipeline.Document;
import dev.ingest.pipeline.Step;
import dev.ingest.pipeline.StepContext;
import java.time.Duration;
import java.util.List;

/** Gets a vector for every chunk from the configured embedding endpoint; the store step writes them out. */
public final class EmbedStep implements Step {
  private final EmbeddingOptions options;
  private final EmbeddingClient client;

  public EmbedStep(EmbeddingOptions options) {
    this.options = options;
    this.client = new EmbeddingClient(options);
  }

  @Override
  public String name() {
    return "embed";
  }

  @Override
  public void run(StepContext ctx) throws InterruptedException {
    Document doc = ctx.document();
    List<String> texts = doc.chunks().stream().map(Chunk::text).toList();
    int total = Math.max(1, texts.size());
    List<float[]> vectors =
        client.embed(
            texts,
            d -> pause(ctx, d),
            done -> {
              ctx.checkStopped();
              ctx.progress(done * 100 / total, done + "/" + texts.size() + " chunks embedded");
            });
    doc.embeddings(vectors);
    doc.result().put("embeddings", vectors.size());
    doc.result().put("embeddingModel", options.model());
    if (!vectors.isEmpty()) {
      doc.result().put("dimensions", vectors.get(0).length);
    }
  }

  /** Waits between attempts in short slices, so a cancel or shutdown is not held up by a long Retry-After. */
  private static void pause(StepContext ctx, Duration d) throws InterruptedException {
    long left = d.toMillis();
    while (left > 0) {
      ctx.checkStopped();
      long slice = Math.min(left, 200);
      Thread.sleep(slice);
      left -= slice;
    }
    ctx.checkStopped();
  }
}
