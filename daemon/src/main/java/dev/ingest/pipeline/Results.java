package dev.ingest.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ingest.blob.BlobStore;
import dev.ingest.core.Job;
import dev.ingest.core.JobStatus;
import dev.ingest.core.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/** Reads what a completed job stored: its text and its chunks. */
public final class Results {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Results() {}

  /** The stored text, or empty when the pipeline stored none. */
  public static Optional<InputStream> text(Job job, BlobStore store) {
    return key(job, "textKey").map(store::get);
  }

  /** The stored chunks as JSON lines, or empty when the pipeline stored none. */
  public static Optional<InputStream> chunks(Job job, BlobStore store) {
    return key(job, "chunksKey").map(store::get);
  }

  private static Optional<String> key(Job job, String field) {
    if (job.status() != JobStatus.COMPLETED) {
      throw new NotFoundException("job " + job.id() + " is " + job.status().wireName() + " and has no result yet");
    }
    if (job.resultJson() == null) {
      return Optional.empty();
    }
    try {
      JsonNode node = JSON.readTree(job.resultJson()).get(field);
      return node == null || node.isNull() ? Optional.empty() : Optional.of(node.asText());
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
