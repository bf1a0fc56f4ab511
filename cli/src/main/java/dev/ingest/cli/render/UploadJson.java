package dev.ingest.cli.render;

import dev.ingest.json.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ingest.core.FileRef;
import dev.ingest.core.Job;
import dev.ingest.core.JobError;
import dev.ingest.upload.UploadOutcome;
import java.time.Instant;
import java.util.List;

/** The {@code upload --json} line of DESIGN.md; its field names are a contract with users' scripts. */
public final class UploadJson {
  private UploadJson() {}

  public static ObjectNode upload(UploadOutcome outcome, Job current) {
    ObjectNode o = Json.object();
    o.put("jobId", current.id());
    o.put("path", outcome.path().toString());
    o.put("fileId", outcome.file().id());
    o.put("sha256", outcome.file().sha256());
    o.put("size", outcome.file().size());
    o.put("status", current.status().wireName());
    o.put("deduplicated", outcome.deduplicated());
    o.put("bytesSent", outcome.bytesSent());
    return o;
  }

  /**
   * The {@code upload --json} line of a file that could not be stored: its path and
   * {@code error{message, type, exitCode}}; no job was enqueued for it.
   */
  public static ObjectNode failure(java.nio.file.Path path, RuntimeException error, int exitCode) {
    ObjectNode o = Json.object();
    o.put("path", path.toString());
    ObjectNode e = o.putObject("error");
    e.put("message", error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage());
    e.put("type", dev.ingest.cli.ExitCodes.typeOf(exitCode));
    e.put("exitCode", exitCode);
    return o;
  }
}
