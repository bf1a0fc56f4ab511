package dev.ingest.cli.command;

import dev.ingest.cli.ExitCodes;
import dev.ingest.cli.IngestCommand;
import dev.ingest.config.Durations;
import dev.ingest.cli.client.IngestClient;
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
    java.time.Duration age = Flags.read("--older-than", () -> Durations.parse(olderThan));
    try (IngestClient client = IngestCommand.of(spec).client()) {
      RetentionService.Report r = client.cleanup(age, dryRun);
      spec.commandLine().getOut().printf(
          "%s %d job(s), %d file(s), %d abandoned upload(s)%s%n", dryRun ? "would remove" : "removed", r.jobs(), r.files(),
          r.uploads(), r.objects() > 0 ? ", " + r.objects() + " stray object(s)" : "");
    }
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
