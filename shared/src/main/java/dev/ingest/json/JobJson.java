package dev.ingest.json;

import com.fasterxml.jackson.databind.JsonNode;
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
    if (job.status() == dev.ingest.core.JobStatus.RETRYING && job.runAt() != null) {
      o.put("nextAttemptAt", iso(job.runAt()));
    }
    if (job.tenant() != null) {
      o.put("tenant", job.tenant());
    }
    if (job.parent() != null) {
      o.put("parent", job.parent());
    }
    ObjectNode options = o.putObject("options");
    job.options().forEach(options::put);
    if (job.timeout() != null) {
      long ms = job.timeout().toMillis();
      if (ms % 1000 == 0) {
        o.put("timeoutSeconds", ms / 1000);
      } else {
        o.put("timeoutSeconds", ms / 1000.0);
      }
    }
    return o;
  }

  /**
   * The job an object of {@link #job} describes, as far as it tells (no lease, no store key): the remote CLI
   * reads the server's answers with it and renders them as the local CLI renders jobs.
   */
  public static Job fromJson(JsonNode o) {
    JsonNode f = o.path("file");
    FileRef file =
        f.isObject()
            ? new FileRef(text(f, "id"), text(f, "name"), f.path("size").asLong(), text(f, "sha256"), text(f, "mimeType"), null)
            : null;
    JsonNode e = o.path("error");
    JobError error =
        e.isObject() ? new JobError(o.path("attempts").asInt(), text(e, "message"), text(e, "type"), e.path("retryable").asBoolean(), null) : null;
    JsonNode p = o.path("progress");
    java.util.Map<String, String> meta = strings(o.path("meta"));
    JsonNode result = o.get("result");
    return new Job(
        text(o, "id"),
        text(o, "queue"),
        text(o, "pipeline"),
        dev.ingest.core.JobStatus.fromWire(o.path("status").asText()),
        o.path("priority").asInt(),
        o.path("attempts").asInt(),
        o.path("maxAttempts").asInt(),
        text(o, "dedupeKey"),
        new dev.ingest.core.JobProgress(p.path("percent").asInt(), text(p, "stage"), text(p, "message")),
        file,
        meta,
        result == null || result.isNull() ? null : Json.line(result),
        error,
        o.path("cancelRequested").asBoolean(false),
        null,
        null,
        instant(o, "nextAttemptAt"),
        instant(o, "createdAt"),
        instant(o, "startedAt"),
        instant(o, "finishedAt"),
        text(o, "tenant"),
        o.hasNonNull("timeoutSeconds") ? java.time.Duration.ofMillis(Math.round(o.path("timeoutSeconds").asDouble() * 1000)) : null,
        strings(o.path("options")),
        text(o, "parent"));
  }

  /** Every attempt's error of a {@link #jobWithErrors} object. */
  public static List<JobError> errorsFromJson(JsonNode o) {
    List<JobError> out = new java.util.ArrayList<>();
    for (JsonNode e : o.path("errors")) {
      out.add(new JobError(e.path("attempt").asInt(), text(e, "message"), text(e, "type"), e.path("retryable").asBoolean(), instant(e, "at")));
    }
    return out;
  }

  private static java.util.Map<String, String> strings(JsonNode o) {
    java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
    o.fields().forEachRemaining(m -> out.put(m.getKey(), m.getValue().asText()));
    return out;
  }

  private static String text(JsonNode o, String field) {
    JsonNode v = o.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static Instant instant(JsonNode o, String field) {
    String v = text(o, field);
    return v == null ? null : Instant.parse(v);
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
