package dev.ingest.cli.command;

import dev.ingest.cli.ExitCodes;
import dev.ingest.cli.IngestCommand;
import dev.ingest.cli.render.UploadJson;
import dev.ingest.cli.render.JobText;
import dev.ingest.json.Json;
import dev.ingest.cli.render.UploadProgress;
import dev.ingest.cli.client.BatchUpload;
import dev.ingest.cli.client.IngestClient;
import dev.ingest.config.Sizes;
import dev.ingest.core.Job;
import dev.ingest.core.JobFields;
import dev.ingest.core.NewJob;
import dev.ingest.core.Priority;
import dev.ingest.config.Durations;
import dev.ingest.config.IngestConfig;
import dev.ingest.extract.TikaContentTypeDetector;
import dev.ingest.upload.UploadLimits;
import dev.ingest.upload.UploadOutcome;
import dev.ingest.upload.UploadService;
import dev.ingest.upload.UploadRequest;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    mixinStandardHelpOptions = true,
    name = "upload",
    description = "Store files (directories recursively) and enqueue one processing job per file.",
    footer = {
      "",
      "Examples:",
      "  ingest upload report.pdf --wait",
      "  ingest upload docs/ --pipeline auto --priority high --meta team=legal --json",
      "  ingest upload big.iso --part-size 64MiB --parallel 8"
    })
public final class UploadCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or directories to upload.")
  List<Path> paths;

  @Option(names = "--wait", description = "Wait until every job has finished; exit 1 if any failed.")
  boolean await;

  @Option(names = "--pipeline", defaultValue = NewJob.DEFAULT_PIPELINE, description = "Pipeline to run (default: ${DEFAULT-VALUE}).")
  String pipeline;

  @Option(names = "--queue", defaultValue = NewJob.DEFAULT_QUEUE, description = "Queue to put the jobs on (default: ${DEFAULT-VALUE}).")
  String queue;

  @Option(names = "--priority", defaultValue = "normal", description = "urgent, high, normal, low or an integer (default: ${DEFAULT-VALUE}).")
  String priority;

  @Option(names = "--dedupe-key", paramLabel = "KEY", description = "Return the unfinished job holding this key instead of adding one.")
  String dedupeKey;

  @Option(names = "--max-attempts", defaultValue = "3", paramLabel = "N", description = "Attempts before a job fails (default: ${DEFAULT-VALUE}).")
  int maxAttempts;

  @Option(names = "--meta", paramLabel = "KEY=VALUE", description = "Metadata to attach to each job (repeatable).")
  Map<String, String> meta = new LinkedHashMap<>();

  @Option(names = "--part-size", paramLabel = "SIZE", description = "Multipart part size, e.g. 16MiB (default: 8MiB, grown for huge files).")
  String partSize;

  @Option(names = "--parallel", defaultValue = "4", paramLabel = "N", description = "Parts uploaded at once (default: ${DEFAULT-VALUE}).")
  int parallel;

  @Option(names = "--jobs", defaultValue = "4", paramLabel = "N", description = "Files uploaded at once (default: ${DEFAULT-VALUE}); large files take turns within the memory for part buffers.")
  int jobs;

  @Option(names = "--limit-rate", paramLabel = "RATE", description = "Cap the upload's bandwidth, e.g. 10MiB/s; 0 for none (default: none; config upload.limit-rate).")
  String limitRate;

  @Option(names = "--option", paramLabel = "STEP.OPTION=VALUE", description = "A step option for these jobs, e.g. chunk.size=500 (repeatable; only those the pipeline's allow-options lists).")
  Map<String, String> options = new LinkedHashMap<>();

  @Option(names = "--timeout", paramLabel = "D", description = "Time limit of each job, e.g. 10m; the pipeline's own limit (default 30m) caps it.")
  String timeout;

  @Option(names = "--force", description = "Process again even if this content was already processed by the pipeline.")
  boolean force;

  @Option(names = "--no-progress", description = "Never show a progress bar.")
  boolean noProgress;

  @Option(names = "--json", description = "One JSON object per file on stdout.")
  boolean json;

  private static final int MAX_JOBS = 64;

  /** Part buffers must fit the heap with room to spare; say so plainly instead of running out of memory. */
  private static void checkMemory(UploadRequest request) {
    long part = request.partSize() > 0 ? request.partSize() : dev.ingest.upload.PartSizer.DEFAULT_PART_SIZE;
    long needed = (request.parallel() + 1L) * part;
    long max = Runtime.getRuntime().maxMemory();
    if (needed > max * 6 / 10) {
      throw new dev.ingest.core.InvalidInputException(
          "--parallel " + request.parallel() + " x --part-size " + Sizes.human(part) + " needs " + Sizes.human(needed)
              + " of buffers but the heap is " + Sizes.human(max)
              + ": lower them, or raise -Xmx through INGEST_JAVA_OPTS");
    }
  }

  /**
   * Every flag checked, each error naming its flag, before any file is read or any job looked up: a bad flag
   * exits 2 whatever the queue already holds.
   */
  UploadRequest request(IngestConfig config) {
    JobFields.name("--pipeline", pipeline);
    JobFields.name("--queue", queue);
    int rank = Priority.parse(priority);
    if (dedupeKey != null) {
      JobFields.nonBlank("--dedupe-key", dedupeKey);
    }
    JobFields.maxAttempts("--max-attempts", maxAttempts);
    JobFields.meta("--meta", meta);
    long part = partSize == null ? 0 : UploadRequest.checkPartSize("--part-size", Flags.read("--part-size", () -> Sizes.parse(partSize)));
    UploadRequest.checkParallel("--parallel", parallel);
    if (jobs < 1 || jobs > MAX_JOBS) {
      throw new dev.ingest.core.InvalidInputException("--jobs must be between 1 and " + MAX_JOBS + ", got " + jobs);
    }
    String rate = limitRate != null ? limitRate : config.get("upload.limit-rate").orElse(null);
    long bytesPerSecond = rate == null ? 0 : Flags.read(limitRate != null ? "--limit-rate" : "upload.limit-rate", () -> Sizes.parseRate(rate));
    java.time.Duration limit =
        timeout == null ? null : UploadRequest.checkTimeout("--timeout", Flags.read("--timeout", () -> Durations.parse(timeout)));
    JobFields.options("--option", options);
    if (!options.isEmpty() && !IngestCommand.of(spec).remote()) {
      // why: the pipeline is known here, so an option it does not allow is refused now, not by a worker later.
      Flags.read("--option", () -> {
        dev.ingest.worker.WorkerFactory.pipelines(config).checkUpload(pipeline, options);
        return null;
      });
    }
    UploadRequest request =
        new UploadRequest(pipeline, queue, rank, dedupeKey, maxAttempts, meta, part, parallel, force, bytesPerSecond, limit, options);
    checkMemory(request);
    return request;
  }

  /** Every file against the upload limits before the first byte of any is stored. */
  private static void checkLimits(List<Path> files, UploadLimits limits) {
    TikaContentTypeDetector detector = limits.limitsTypes() ? new TikaContentTypeDetector() : null;
    for (Path file : files) {
      long size = UploadService.readAttributes(file).size();
      String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
      limits.check(file.toString(), size, detector == null ? null : UploadService.sniff(file, name, detector));
    }
  }

  @Override
  public Integer call() throws Exception {
    IngestCommand root = IngestCommand.of(spec);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    IngestConfig config = root.config(Map.of());
    UploadRequest request = request(config);
    UploadLimits limits = Flags.uploadLimits(config, null, null, null, null);
    List<Path> files = FileWalker.expand(paths);
    checkLimits(files, limits);
    try (IngestClient client = root.client(Math.min(16, jobs + parallel + 1))) {
      boolean terminal = !noProgress && System.console() != null;
      boolean verbose = root.verbose();
      client.connect();
      List<BatchUpload.Result> results;
      java.util.concurrent.atomic.AtomicInteger skipped = new java.util.concurrent.atomic.AtomicInteger();
      try (UploadProgress progress = UploadProgress.create(terminal, FileWalker.totalSize(files), files.size(), err)) {
        // why: the part buffers of all files at once stay within the share of the heap checkMemory allows one.
        long memory = Runtime.getRuntime().maxMemory() * 6 / 10;
        results =
            new BatchUpload(client, request, jobs, memory)
                .run(files, progress, result -> {
                  if (result.skipped()) {
                    skipped.incrementAndGet();
                    if (json) {
                      out.println(Json.line(UploadJson.failure(result.path(), result.error(), ExitCodes.of(result.error()))));
                      out.flush();
                    }
                  } else if (result.failed()) {
                    reportFailure(result, out, err, verbose);
                  } else if (!await) {
                    out.println(json ? Json.line(UploadJson.upload(result.outcome(), result.outcome().job())) : JobText.upload(result.outcome()));
                    out.flush();
                  }
                });
      }
      if (skipped.get() > 0) {
        err.println("ingest: " + skipped.get() + " file(s) not started after that; run the same command again to continue");
        err.flush();
      }
      // why: a file that could not be stored decides the exit code over jobs that ran: it is the bigger news.
      int uploadCode = results.stream().filter(BatchUpload.Result::failed).findFirst().map(r -> ExitCodes.of(r.error())).orElse(ExitCodes.OK);
      List<UploadOutcome> outcomes = results.stream().filter(r -> !r.failed()).map(BatchUpload.Result::outcome).toList();
      if (!await || outcomes.isEmpty()) {
        return uploadCode;
      }
      List<String> ids = outcomes.stream().map(o -> o.job().id()).distinct().toList();
      List<Job> done =
          client.await(ids, List.of(queue), job -> {}, message -> {
            err.println("ingest: " + message);
            err.flush();
          });
      Map<String, Job> byId = new LinkedHashMap<>();
      done.forEach(j -> byId.put(j.id(), j));
      boolean allCompleted = true;
      for (UploadOutcome outcome : outcomes) {
        Job job = byId.get(outcome.job().id());
        allCompleted &= job.status() == dev.ingest.core.JobStatus.COMPLETED;
        out.println(json ? Json.line(UploadJson.upload(outcome, job)) : JobText.line(job));
      }
      out.flush();
      return uploadCode != ExitCodes.OK ? uploadCode : allCompleted ? ExitCodes.OK : ExitCodes.JOB_FAILED;
    }
  }

  /** A file of the batch that could not be uploaded: one line on stderr, and with --json one on stdout. */
  private void reportFailure(BatchUpload.Result result, PrintWriter out, PrintWriter err, boolean verbose) {
    String path = result.path().toString();
    String message = result.error().getMessage() == null ? result.error().getClass().getSimpleName() : result.error().getMessage();
    err.println("ingest: " + (message.contains(path) ? message : path + ": " + message));
    if (verbose) {
      result.error().printStackTrace(err);
    }
    err.flush();
    if (json) {
      out.println(Json.line(UploadJson.failure(result.path(), result.error(), ExitCodes.of(result.error()))));
      out.flush();
    }
  }
}
