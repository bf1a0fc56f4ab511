package dev.ingest.pipeline.steps;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ingest.blob.BlobKeys;
import dev.ingest.pipeline.Chunk;
import dev.ingest.pipeline.Document;
import dev.ingest.pipeline.Step;
import dev.ingest.pipeline.StepContext;
import java.nio.charset.StandardCharsets;

/** Writes the text and the chunks (JSON lines) to the blob store and names them in the result. */
public final class StoreStep implements Step {
  public static final String TEXT = "text.txt";
  public static final String CHUNKS = "chunks.jsonl";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String name() {
    return "store";
  }

  @Override
  public void run(StepContext ctx) throws Exception {
    Document doc = ctx.document();
    String jobId = ctx.job().id();
    if (doc.text() != null) {
      byte[] text = doc.text().getBytes(StandardCharsets.UTF_8);
      String key = BlobKeys.result(jobId, TEXT);
      ctx.store().put(key, text, text.length);
      doc.result().put("textKey", key);
    }
    ctx.progress(50, null);
    StringBuilder lines = new StringBuilder();
    java.util.List<float[]> vectors = doc.embeddings();
    for (int i = 0; i < doc.chunks().size(); i++) {
      Chunk c = doc.chunks().get(i);
      ObjectNode line = JSON.createObjectNode();
      line.put("jobId", jobId);
      line.put("fileId", ctx.job().file().id());
      line.put("seq", c.seq());
      line.put("start", c.start());
      line.put("end", c.end());
      if (c.page() != null) {
        line.put("page", c.page());
      }
      line.put("text", c.text());
      if (i < vectors.size()) {
        com.fasterxml.jackson.databind.node.ArrayNode v = line.putArray("embedding");
        for (float x : vectors.get(i)) {
          v.add(x);
        }
      }
      lines.append(JSON.writeValueAsString(line)).append('\n');
    }
    byte[] chunks = lines.toString().getBytes(StandardCharsets.UTF_8);
    String key = BlobKeys.result(jobId, CHUNKS);
    ctx.store().put(key, chunks, chunks.length);
    doc.result().put("chunksKey", key);
    ctx.progress(100, null);
  }
}
