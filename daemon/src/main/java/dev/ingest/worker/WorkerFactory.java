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
   * A worker; with {@code listen}, woken when jobs may have arrived (PostgreSQL {@code LISTEN/NOTIFY}, SQLite's
   * change counter), polling only as a slow safety net for jobs whose backoff ends.
   */
  public static Worker create(IngestRuntime runtime, WorkerOptions options, boolean listen) {
    Pipelines pipelines = pipelines(runtime.config());
    pipelines.validate();
    PipelineRunner runner = new PipelineRunner(pipelines, runtime.queue(), runtime.store(), runtime.clock());
    dev.ingest.queue.Wakeups wakeups = listen ? runtime.database().wakeups() : dev.ingest.queue.Wakeups.NONE;
    if (wakeups != dev.ingest.queue.Wakeups.NONE && options.maxPoll().compareTo(LISTENING_MAX_POLL) < 0) {
      options = options.withMaxPoll(LISTENING_MAX_POLL);
    }
    return new Worker(Ids.worker(), runtime.queue(), runner, options, runtime.clock(), wakeups);
  }

  /** The pipelines this configuration names, with the steps of its plug-ins; not yet validated. */
  public static Pipelines pipelines(dev.ingest.config.IngestConfig config) {
    java.nio.file.Path pluginDir = config.get("plugins.dir").map(java.nio.file.Path::of).orElse(config.home().resolve("plugins"));
    return new Pipelines(pipelineSettings(config), dev.ingest.pipeline.Plugins.classLoader(pluginDir));
  }

  /** Worker-wide step settings that may come from flags, the environment or the file. */
  static final java.util.List<String> STEP_SETTINGS =
      java.util.List.of(
          "embed.url", "embed.model", "embed.api-key", "embed.batch-size", "embed.timeout", "embed.max-attempts",
          "embed.max-wait", "chunk.size", "chunk.overlap", "exec.timeout",
          "webhook.urls", "webhook.secret", "webhook.max-attempts", "webhook.timeout");

  /** The {@code pipeline.*} keys of the file and flags, plus the worker-wide step settings from any source. */
  public static java.util.Map<String, String> pipelineSettings(dev.ingest.config.IngestConfig config) {
    java.util.Map<String, String> settings = new java.util.TreeMap<>(config.withPrefix("pipeline."));
    for (String key : STEP_SETTINGS) {
      config.get(key).ifPresent(v -> settings.put(key, v));
    }
    return settings;
  }

  /** Webhook settings from flags, the environment ({@code INGEST_WEBHOOK_SECRET}) or the file. */
  public static dev.ingest.webhook.WebhookSettings webhooks(dev.ingest.config.IngestConfig config) {
    java.util.Map<String, String> o = new java.util.HashMap<>();
    for (String key : STEP_SETTINGS) {
      if (key.startsWith("webhook.")) {
        config.get(key).ifPresent(v -> o.put(key.substring("webhook.".length()), v));
      }
    }
    try {
      return dev.ingest.webhook.WebhookSettings.from(o);
    } catch (IllegalArgumentException e) {
      throw new dev.ingest.core.InvalidInputException(e.getMessage(), e);
    }
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
