package dev.ingest.worker;

import dev.ingest.config.IngestRuntime;
import dev.ingest.core.Ids;
import dev.ingest.pipeline.Pipelines;

/** Builds a worker wired to a runtime's queue, store and pipeline configuration. */
public final class WorkerFactory {
  private WorkerFactory() {}

  public static Worker create(IngestRuntime runtime, WorkerOptions options) {
    Pipelines pipelines = new Pipelines(runtime.config().withPrefix("pipeline."));
    PipelineRunner runner = new PipelineRunner(pipelines, runtime.queue(), runtime.store(), runtime.clock());
    return new Worker(Ids.worker(), runtime.queue(), runner, options, runtime.clock());
  }

  public static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }
}
