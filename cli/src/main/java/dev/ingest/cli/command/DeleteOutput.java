package dev.ingest.cli.command;

import dev.ingest.config.Durations;
import dev.ingest.core.JobFields;
import dev.ingest.deletion.DeleteService;
import dev.ingest.json.DeletionJson;
import dev.ingest.json.Json;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;

/** What {@code jobs delete} and {@code files delete} share: the --wait flag's reading and the output. */
final class DeleteOutput {
  static final String DEFAULT_WAIT = "30s";

  private DeleteOutput() {}

  static Duration waitFlag(String wait) {
    Duration d = Flags.read("--wait", () -> Durations.parse(wait));
    if (d.compareTo(Duration.ofMinutes(5)) > 0) {
      throw new dev.ingest.core.InvalidInputException("--wait must be at most 5m, got " + wait);
    }
    return d;
  }

  static void checkIds(String label, List<String> ids) {
    ids.forEach(id -> JobFields.id(label, id));
  }

  /** One line per deleted job and file, or one JSON object {@code {"jobs": […], "files": […]}}. */
  static void print(PrintWriter out, DeleteService.Report r, boolean json) {
    if (json) {
      out.println(Json.line(DeletionJson.report(r)));
    } else {
      r.jobs().forEach(id -> out.println(id + "  deleted"));
      r.files().forEach(id -> out.println(id + "  deleted"));
    }
    out.flush();
  }

}
