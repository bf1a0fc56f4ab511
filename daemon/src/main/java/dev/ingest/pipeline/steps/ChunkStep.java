package dev.ingest.pipeline.steps;

import dev.ingest.chunk.Chunker;
import dev.ingest.pipeline.Document;
import dev.ingest.pipeline.Step;
import dev.ingest.pipeline.StepContext;

/** Splits the extracted text into overlapping chunks ({@code size}, {@code overlap} in characters). */
public final class ChunkStep implements Step {
  private final Chunker chunker;

  public ChunkStep(int size, int overlap) {
    this.chunker = new Chunker(size, overlap);
  }

  @Override
  public String name() {
    return "chunk";
  }

  @Override
  public void run(StepContext ctx) {
    Document doc = ctx.document();
    if (doc.text() == null) {
      throw new IllegalStateException("chunk needs extracted text: put extract before it in the pipeline");
    }
    doc.chunks(
        doc.recordStarts().isEmpty()
            ? chunker.split(doc.text(), doc.pageStarts())
            : chunker.splitRecords(doc.text(), doc.recordStarts()));
    doc.result().put("chunks", doc.chunks().size());
    ctx.progress(100, doc.chunks().size() + " chunks");
  }
}
