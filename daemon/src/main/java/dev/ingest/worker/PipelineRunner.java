package dev.ingest.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ingest.blob.BlobStore;
import dev.ingest.core.Clock;
import dev.ingest.pipeline.Pipeline;
import dev.ingest.pipeline.Pipelines;
import dev.ingest.pipeline.Step;
import dev.ingest.queue.JobQueue;
import dev.ingest.queue.Lease;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Runs a job's pipeline step by step in a scratch folder, checking for a stop between steps. */
public final class PipelineRunner implements JobRunner {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Pipelines pipelines;
  private final JobQueue queue;
  private final BlobStore store;
  private final Clock clock;

  public PipelineRunner(Pipelines pipelines, JobQueue queue, BlobStore store, Clock clock) {
    this.pipelines = pipelines;
    this.queue = queue;
    this.store = store;
    this.clock = clock;
  }

  /**
   * The job's own limit capped by its pipeline's. why: read from the setting alone; resolving the pipeline
   * here would build every step twice per job. A limit the worker cannot read gets the default.
   */
  @Override
  public java.time.Duration timeLimit(dev.ingest.core.Job job) {
    java.time.Duration pipelineLimit;
    try {
      pipelineLimit = pipelines.timeLimit(job.pipeline());
    } catch (RuntimeException e) {
      pipelineLimit = dev.ingest.pipeline.Pipeline.DEFAULT_TIMEOUT;
    }
    return job.timeout() == null || job.timeout().compareTo(pipelineLimit) > 0 ? pipelineLimit : job.timeout();
  }

  @Override
  public String run(Lease lease, Execution execution) throws Exception {
    Pipeline pipeline = pipelines.resolve(lease.job().pipeline(), lease.job().options());
    ExecutionContext ctx =
        new ExecutionContext(execution, queue, store, clock, "ingest-" + lease.jobId() + "-", pipeline.steps().size());
    try {
      int index = 0;
      for (Step step : pipeline.steps()) {
        ctx.stopIfAsked();
        ctx.enterStep(index++, step.name());
        step.run(ctx);
      }
      ctx.stopIfAsked();
      return JSON.writeValueAsString(ctx.document().result());
    } finally {
      ctx.workDirIfCreated().ifPresent(PipelineRunner::deleteTree);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // why: a leftover scratch folder is not worth failing a finished job over.
    }
  }
}
