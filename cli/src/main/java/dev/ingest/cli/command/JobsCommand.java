package dev.ingest.cli.command;

import dev.ingest.cli.ExitCodes;
import dev.ingest.cli.IngestCommand;
import dev.ingest.json.JobJson;
import dev.ingest.cli.render.JobText;
import dev.ingest.json.Json;
import dev.ingest.cli.client.IngestClient;
import dev.ingest.core.InvalidInputException;
import dev.ingest.core.Job;
import dev.ingest.core.JobFields;
import dev.ingest.core.JobStatus;
import dev.ingest.queue.JobFilter;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    mixinStandardHelpOptions = true,
    name = "jobs",
    description = "Inspect, steer and delete jobs.",
    subcommands = {JobsCommand.ListJobs.class, JobsCommand.Retry.class, JobsCommand.Cancel.class, JobsCommand.Delete.class})
public final class JobsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: list, retry, cancel or delete");
  }

  @Command(
      mixinStandardHelpOptions = true,
      name = "list",
      description = "List jobs, newest first.",
      footer = {"", "Examples:", "  ingest jobs list --status failed", "  ingest jobs list --queue mail --limit 10 --json"})
  public static final class ListJobs implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--status", description = "queued, running, retrying, completed, failed or cancelled.")
    String status;

    @Option(names = "--queue", description = "Only jobs of this queue.")
    String queue;

    @Option(names = "--limit", defaultValue = "50", description = "At most this many (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--json", description = "One JSON object per job.")
    boolean json;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      if (limit < 1) {
        throw new InvalidInputException("--limit must be at least 1, got " + limit);
      }
      if (queue != null) {
        JobFields.name("--queue", queue);
      }
      JobFilter filter = new JobFilter(status == null ? null : JobStatus.fromWire(status), queue, limit);
      try (IngestClient client = IngestCommand.of(spec).client()) {
        for (Job job : client.list(filter)) {
          out.println(json ? Json.line(JobJson.job(job)) : JobText.line(job));
        }
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  /** A command that changes one job's state and prints the job as it now is. */
  abstract static class SteerJob implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "JOBID")
    String jobId;

    abstract Job apply(IngestClient client, String jobId);

    @Override
    public Integer call() {
      JobFields.id("JOBID", jobId);
      try (IngestClient client = IngestCommand.of(spec).client()) {
        spec.commandLine().getOut().println(JobText.line(apply(client, jobId)));
      }
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "retry", description = "Re-queue a failed or cancelled job with a fresh set of attempts.")
  public static final class Retry extends SteerJob {
    @Override
    Job apply(IngestClient client, String jobId) {
      return client.retry(jobId);
    }
  }

  @Command(mixinStandardHelpOptions = true, name = "cancel", description = "Cancel a queued job at once, or ask a running job to stop.")
  public static final class Cancel extends SteerJob {
    @Override
    Job apply(IngestClient client, String jobId) {
      return client.cancel(jobId);
    }
  }

  @Command(
      mixinStandardHelpOptions = true,
      name = "delete",
      description = "Delete jobs for good: their results, and their stored files when no other job uses them. Running ones are cancelled first.",
      footer = {"", "Examples:", "  ingest jobs delete job_01j…", "  ingest jobs delete job_a job_b --wait 2m --json"})
  public static final class Delete extends DeleteCommand {
    @Parameters(arity = "1..*", paramLabel = "JOBID")
    List<String> jobIds;

    @Override
    List<String> ids() {
      return jobIds;
    }

    @Override
    String label() {
      return "JOBID";
    }

    @Override
    dev.ingest.deletion.DeleteService.Report delete(IngestClient client, List<String> ids, java.time.Duration wait)
        throws InterruptedException {
      return client.deleteJobs(ids, wait);
    }
  }
}
