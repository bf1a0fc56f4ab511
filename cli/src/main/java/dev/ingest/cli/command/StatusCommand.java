package dev.ingest.cli.command;

import dev.ingest.cli.ExitCodes;
import dev.ingest.cli.IngestCommand;
import dev.ingest.json.JobJson;
import dev.ingest.cli.render.JobText;
import dev.ingest.json.Json;
import dev.ingest.cli.client.IngestClient;
import dev.ingest.core.Job;
import dev.ingest.core.JobFields;
import dev.ingest.core.JobStatus;
import dev.ingest.core.NotFoundException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    mixinStandardHelpOptions = true,
    name = "status",
    description = "Show jobs' state, progress, attempts, error and result.",
    footer = {"", "Examples:", "  ingest status job_01jc… --follow", "  ingest status job_a job_b --json"})
public final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "JOBID")
  List<String> jobIds;

  @Option(names = "--follow", description = "Print every change until the jobs finish; exit 1 if any failed.")
  boolean follow;

  @Option(names = "--json", description = "One JSON object per job (per change with --follow).")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    jobIds.forEach(id -> JobFields.id("JOBID", id));
    try (IngestClient queue = IngestCommand.of(spec).client()) {
      List<String> known = new ArrayList<>();
      NotFoundException missing = null;
      for (String id : jobIds) {
        if (queue.find(id).isPresent()) {
          known.add(id);
        } else {
          missing = new NotFoundException("no job " + id);
        }
      }
      if (follow) {
        if (missing != null) {
          throw missing;
        }
        List<Job> done =
            queue.follow(known, job -> {
                  out.println(json ? Json.line(JobJson.job(job)) : JobText.line(job));
                  out.flush();
                });
        return done.stream().allMatch(j -> j.status() == JobStatus.COMPLETED) ? ExitCodes.OK : ExitCodes.JOB_FAILED;
      }
      for (String id : known) {
        Job job = queue.get(id);
        var errors = queue.errors(id);
        out.println(json ? Json.line(JobJson.jobWithErrors(job, errors)) : JobText.detail(job, errors));
      }
      out.flush();
      if (missing != null) {
        throw missing;
      }
      return ExitCodes.OK;
    }
  }
}
