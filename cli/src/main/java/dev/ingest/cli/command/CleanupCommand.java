package dev.ingest.cli.command;

import dev.ingest.cli.ExitCodes;
import dev.ingest.cli.IngestCommand;
import dev.ingest.config.Durations;
import dev.ingest.config.IngestRuntime;
import dev.ingest.retention.RetentionService;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    mixinStandardHelpOptions = true,
    name = "cleanup",
    description = "Remove finished jobs and their results, files no job uses, and abandoned uploads.",
    footer = {"", "Examples:", "  ingest cleanup --older-than 7d --dry-run", "  ingest cleanup --older-than 30d"})
public final class CleanupCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--older-than", required = true, paramLabel = "DURATION", description = "e.g. 7d, 12h.")
  String olderThan;

  @Option(names = "--dry-run", description = "Only count what would be removed.")
  boolean dryRun;

  @Override
  public Integer call() {
    try (IngestRuntime runtime = IngestCommand.of(spec).openRuntime()) {
      RetentionService retention = runtime.retention();
      RetentionService.Report r = retention.cleanup(Durations.parse(olderThan), dryRun);
      spec.commandLine().getOut().printf(
          "%s %d job(s), %d file(s), %d abandoned upload(s)%n", dryRun ? "would remove" : "removed", r.jobs(), r.files(), r.uploads());
    }
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
