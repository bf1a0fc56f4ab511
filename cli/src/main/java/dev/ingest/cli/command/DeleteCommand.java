package dev.ingest.cli.command;

import dev.ingest.cli.ExitCodes;
import dev.ingest.cli.IngestCommand;
import dev.ingest.cli.client.IngestClient;
import dev.ingest.config.Durations;
import dev.ingest.core.InvalidInputException;
import dev.ingest.core.JobFields;
import dev.ingest.deletion.DeleteService;
import dev.ingest.json.DeletionJson;
import dev.ingest.json.Json;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What {@code jobs delete} and {@code files delete} share: {@code --wait} and {@code --json}, the checks
 * before anything is deleted, and the output: one line per deleted job and file, or one JSON object
 * {@code {"jobs": […], "files": […]}}.
 */
abstract class DeleteCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--wait", paramLabel = "D", defaultValue = "30s", description = "How long running jobs get to stop once cancelled (default: ${DEFAULT-VALUE}; at most 5m).")
  String wait;

  @Option(names = "--json", description = "One JSON object: the deleted jobs and files.")
  boolean json;

  /** The ids named, and what they are called in errors. */
  abstract List<String> ids();

  abstract String label();

  abstract DeleteService.Report delete(IngestClient client, List<String> ids, Duration wait) throws InterruptedException;

  @Override
  public Integer call() throws InterruptedException {
    ids().forEach(id -> JobFields.id(label(), id));
    Duration d = Flags.read("--wait", () -> Durations.parse(wait));
    if (d.compareTo(Duration.ofMinutes(5)) > 0) {
      throw new InvalidInputException("--wait must be at most 5m, got " + wait);
    }
    DeleteService.Report r;
    try (IngestClient client = IngestCommand.of(spec).client()) {
      r = delete(client, ids(), d);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.line(DeletionJson.report(r)));
    } else {
      r.jobs().forEach(id -> out.println(id + "  deleted"));
      r.files().forEach(id -> out.println(id + "  deleted"));
    }
    out.flush();
    return ExitCodes.OK;
  }
}
