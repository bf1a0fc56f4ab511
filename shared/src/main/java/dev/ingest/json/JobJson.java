package dev.ingest.json;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ingest.core.FileRef;
import dev.ingest.core.Job;
import dev.ingest.core.JobError;
import java.time.Instant;
import java.util.List;

/**
 * The job object of DESIGN.md, as {@code --json} prints it and webhooks deliver it; its field names are a
 * contract with users' scripts and receivers.
 */
public final class JobJson {
  private JobJson() {}

  public static ObjectNode job(Job job) {
    ObjectNode o = Json.object();
    o.put("id", job.id());
    o.put("queue", job.queue());
    o.put("pipeline", job.pipeline());
    o.put("status", job.status().wireName());
    o.put("priority", job.priority());
    o.put("attempts", job.attempts());
    o.put("maxAttempts", job.maxAttempts());
    o.put("dedupeKey", job.dedupeKey());
    ObjectNode progress = o.putObject("progress");
    progress.put("percent", job.progress().percent());
    progress.put("stage", job.progress().stage());
    progress.put("message", job.progress().message());
    FileRef f = job.file();
    if (f == null) {
      o.putNull("file");
    } else {
      ObjectNode file = o.putObject("file");
      file.put("id", f.id());
      file.put("name", f.name());
      file.put("size", f.size());
      file.put("sha256", f.sha256());
      file.put("mimeType", f.mimeType());
    }
    o.set("result", Json.parse(job.resultJson()));
    if (job.error() == null) {
      o.putNull("error");
    } else {
      ObjectNode error = o.putObject("error");
      error.put("message", job.error().message());
      error.put("type", job.error().type());
      error.put("retryable", job.error().retryable());
    }
    o.put("createdAt", iso(job.createdAt()));
    o.put("startedAt", iso(job.startedAt()));
    o.put("finishedAt", iso(job.finishedAt()));
    ObjectNode meta = o.putObject("meta");
    job.meta().forEach(meta::put);
    if (job.cancelRequested()) {
      o.put("cancelRequested", true);
    }
    return o;
  }

  /** The job object plus every attempt's error, for {@code status --json}. */
  public static ObjectNode jobWithErrors(Job job, List<JobError> errors) {
    ObjectNode o = job(job);
    var array = o.putArray("errors");
    for (JobError e : errors) {
      ObjectNode item = array.addObject();
      item.put("attempt", e.attempt());
      item.put("message", e.message());
      item.put("type", e.type());
      item.put("retryable", e.retryable());
      item.put("at", iso(e.at()));
    }
    return o;
  }

  static String iso(Instant t) {
    return t == null ? null : t.toString();
  }
}
