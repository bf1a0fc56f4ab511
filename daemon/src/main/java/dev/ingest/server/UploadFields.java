package dev.ingest.server;

import dev.ingest.core.JobFields;
import dev.ingest.core.NewJob;
import dev.ingest.pipeline.Pipelines;
import dev.ingest.core.Priority;
import dev.ingest.upload.UploadRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The optional job fields an upload carries, as form fields or tus {@code Upload-Metadata}: {@code pipeline},
 * {@code queue}, {@code priority}, {@code dedupeKey}, {@code maxAttempts}, {@code force}, {@code timeout}
 * (a duration such as {@code 10m}), repeatable {@code option} (step options, {@code chunk.size=500}; in tus
 * metadata also {@code option.KEY}) and repeatable
 * {@code meta} ({@code key=value}; in tus metadata also {@code meta.key}). Checked as the CLI checks its
 * flags; a bad value is a 400 naming the field.
 */
public final class UploadFields {
  /** Field names that carry job options; others (Uppy's {@code name}, {@code type}, …) are ignored. */
  public static final Set<String> NAMES =
      Set.of("pipeline", "queue", "priority", "dedupeKey", "maxAttempts", "meta", "force", "timeout", "option");

  private final Pipelines pipelines;

  /** {@code pipelines}: what this server knows of the pipelines, to refuse step options they do not allow. */
  public UploadFields(Pipelines pipelines) {
    this.pipelines = pipelines;
  }

  /** The upload request these fields describe; {@code fields} maps a name to its values in order. */
  public UploadRequest parse(Map<String, List<String>> fields) {
    String pipeline = JobFields.name("pipeline", single(fields, "pipeline", NewJob.DEFAULT_PIPELINE));
    String queue = JobFields.name("queue", single(fields, "queue", NewJob.DEFAULT_QUEUE));
    int priority;
    try {
      priority = Priority.parse(single(fields, "priority", "normal"));
    } catch (RuntimeException e) {
      throw ApiError.badRequest("priority: " + e.getMessage());
    }
    String dedupeKey = single(fields, "dedupeKey", null);
    if (dedupeKey != null) {
      JobFields.nonBlank("dedupeKey", dedupeKey);
    }
    int maxAttempts;
    String attempts = single(fields, "maxAttempts", Integer.toString(NewJob.DEFAULT_MAX_ATTEMPTS));
    try {
      maxAttempts = Integer.parseInt(attempts.trim());
    } catch (NumberFormatException e) {
      throw ApiError.badRequest("maxAttempts must be a whole number, got '" + attempts + "'");
    }
    JobFields.maxAttempts("maxAttempts", maxAttempts);
    String force = single(fields, "force", "false");
    if (!force.equals("true") && !force.equals("false")) {
      throw ApiError.badRequest("force must be true or false, got '" + force + "'");
    }
    Map<String, String> meta = JobFields.meta("meta", pairs(fields, "meta"));
    Map<String, String> options = JobFields.options("option", pairs(fields, "option"));
    pipelines.checkUpload(pipeline, options);
    String timeoutText = single(fields, "timeout", null);
    java.time.Duration timeout = null;
    if (timeoutText != null) {
      try {
        timeout = UploadRequest.checkTimeout("timeout", dev.ingest.config.Durations.parse(timeoutText));
      } catch (dev.ingest.core.InvalidInputException e) {
        throw ApiError.badRequest(e.getMessage().startsWith("timeout") ? e.getMessage() : "timeout: " + e.getMessage());
      }
    }
    return new UploadRequest(
        pipeline, queue, priority, dedupeKey, maxAttempts, meta, 0, UploadRequest.DEFAULT_PARALLEL, force.equals("true"),
        0, timeout, options);
  }

  /** {@code key=value} entries of a repeatable field, one or more per value (lines). */
  private static Map<String, String> pairs(Map<String, List<String>> fields, String name) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String entry : fields.getOrDefault(name, List.of())) {
      for (String line : entry.split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        int eq = line.indexOf('=');
        if (eq < 1) {
          throw ApiError.badRequest(name + " must be key=value, got '" + line + "'");
        }
        out.put(line.substring(0, eq).trim(), line.substring(eq + 1));
      }
    }
    return out;
  }

  private static String single(Map<String, List<String>> fields, String name, String fallback) {
    List<String> values = fields.get(name);
    if (values == null || values.isEmpty()) {
      return fallback;
    }
    if (values.size() > 1) {
      throw ApiError.badRequest(name + " was given " + values.size() + " times");
    }
    return values.get(0);
  }

  /** A file name as the user gave it, without directories or control characters, at most 255 characters. */
  public static String fileName(String raw) {
    if (raw == null) {
      return "upload";
    }
    String name = raw.replace('\\', '/');
    name = name.substring(name.lastIndexOf('/') + 1);
    StringBuilder clean = new StringBuilder();
    name.codePoints().filter(c -> !Character.isISOControl(c)).forEach(clean::appendCodePoint);
    String out = clean.toString().trim();
    if (out.isEmpty() || out.equals(".") || out.equals("..")) {
      return "upload";
    }
    return out.length() > 255 ? out.substring(0, 255) : out;
  }
}
