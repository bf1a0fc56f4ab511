package dev.ingest.cli.command;

import dev.ingest.cli.ExitCodes;
import dev.ingest.cli.IngestCommand;
import dev.ingest.cli.client.IngestClient;
import dev.ingest.core.Job;
import dev.ingest.core.JobFields;
import dev.ingest.core.JobStatus;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    mixinStandardHelpOptions = true,
    name = "result",
    description = "Print a completed job's output: its extracted text, or its chunks as JSON lines with --json.",
    footer = {"", "Examples:", "  ingest result job_01jc… > report.txt", "  ingest result job_01jc… --json | jq .text"})
public final class ResultCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "JOBID")
  String jobId;

  @Option(names = "--json", description = "Print the chunks, one JSON object per line.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    JobFields.id("JOBID", jobId);
    try (IngestClient client = IngestCommand.of(spec).client()) {
      Job job = client.get(jobId);
      if (job.status() == JobStatus.FAILED || job.status() == JobStatus.CANCELLED) {
        String why = job.error() == null ? "" : ": " + job.error().message();
        spec.commandLine().getErr().println("ingest: job " + jobId + " " + job.status().wireName() + why);
        return ExitCodes.JOB_FAILED;
      }
      IngestClient.Result result = client.result(job, json);
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(result.content(), StandardCharsets.UTF_8))) {
        char[] buffer = new char[8192];
        int n;
        while ((n = reader.read(buffer)) > 0) {
          out.write(buffer, 0, n);
        }
      }
      if (!json && !result.summary()) {
        out.println();
      }
      out.flush();
      return ExitCodes.OK;
    }
  }
}
