package dev.ingest.worker;

import dev.ingest.config.IngestRuntime;
import dev.ingest.core.Ids;
import dev.ingest.pipeline.Pipelines;

/** Builds a worker wired to a runtime's queue, store and pipeline configuration. */
public final class WorkerFactory {
  private WorkerFactory() {}

  /** A polling worker. */
  public static Worker create(IngestRuntime runtime, WorkerOptions options) {
    return create(runtime, options, false);
  }

  /**
   * A worker; with {@code listen}, woken by the database's push notifications where the engine has them
   * (PostgreSQL {@code LISTEN/NOTIFY}), polling only as a slow safety net for jobs whose backoff ends.
   */
  public static Worker create(IngestRuntime runtime, WorkerOptions options, boolean listen) {
    Pipelines pipelines = new Pipelines(runtime.config().withPrefix("pipeline."));
    PipelineRunner runner = new PipelineRunner(pipelines, runtime.queue(), runtime.store(), runtime.clock());
    dev.ingest.queue.Wakeups wakeups = listen ? runtime.database().wakeups() : dev.ingest.queue.Wakeups.NONE;
    if (wakeups != dev.ingest.queue.Wakeups.NONE && options.maxPoll().compareTo(LISTENING_MAX_POLL) < 0) {
      options = options.withMaxPoll(LISTENING_MAX_POLL);
    }
    return new Worker(Ids.worker(), runtime.queue(), runner, options, runtime.clock(), wakeups);
  }

  static final java.time.Duration LISTENING_MAX_POLL = java.time.Duration.ofSeconds(1);

  public static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }
}
