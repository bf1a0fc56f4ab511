package dev.ingest.cli.command;

import dev.ingest.cli.ExitCodes;
import dev.ingest.cli.IngestCommand;
import dev.ingest.cli.Logging;
import dev.ingest.config.Durations;
import dev.ingest.config.IngestConfig;
import dev.ingest.config.IngestRuntime;
import dev.ingest.worker.Worker;
import dev.ingest.worker.WorkerFactory;
import dev.ingest.worker.WorkerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    mixinStandardHelpOptions = true,
    name = "worker",
    description = {
      "Run the worker daemon: lease jobs and run their pipelines.",
      "SIGTERM or SIGINT stops claiming, lets running jobs finish within the grace period and hands the rest back."
    },
    footer = {
      "",
      "Examples:",
      "  ingest worker --concurrency 4",
      "  ingest worker --queue mail --queue video --shutdown-grace 2m",
      "  ingest worker --drain        # process what is due, then exit"
    })
public final class WorkerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--concurrency", paramLabel = "N", description = "Jobs run at once (default 4; config worker.concurrency).")
  Integer concurrency;

  @Option(names = "--queue", paramLabel = "Q", description = "Queue to serve (repeatable; default: all; config worker.queues).")
  List<String> queues;

  @Option(names = "--lease-ttl", paramLabel = "D", description = "Lease length (default 30s; config worker.lease-ttl).")
  String leaseTtl;

  @Option(names = "--heartbeat", paramLabel = "D", description = "Lease renewal interval (default lease-ttl/3).")
  String heartbeat;

  @Option(names = "--shutdown-grace", paramLabel = "D", description = "Time running jobs get to finish on shutdown (default 30s).")
  String shutdownGrace;

  @Option(
      names = "--prefetch",
      paramLabel = "N|auto",
      description =
          "Jobs claimed ahead of busy threads; auto (the default) claims about 100 ms of work ahead, sized from "
              + "how long jobs take: many for short jobs, none for long ones (config worker.prefetch).")
  String prefetch;

  @Option(
      names = "--metrics-port",
      paramLabel = "P",
      description = "Serve Prometheus /metrics and /healthz on this port; 0 picks a free one and logs it (config worker.metrics-port).")
  Integer metricsPort;

  @Option(
      names = "--retention",
      paramLabel = "D",
      description = "Also run cleanup of what finished more than D ago, every 10 minutes, one host at a time (config worker.retention).")
  String retentionAge;

  @Option(names = "--log-format", paramLabel = "FORMAT", description = "text (default) or json (config log.format).")
  String logFormat;

  @Option(
      names = "--embed-url",
      paramLabel = "URL",
      description = "OpenAI-compatible embeddings endpoint; POST {URL}/v1/embeddings, key from INGEST_EMBED_API_KEY (config embed.url).")
  String embedUrl;

  @Option(names = "--embed-model", paramLabel = "NAME", description = "Embedding model name (config embed.model).")
  String embedModel;

  @Option(
      names = "--webhook",
      paramLabel = "URL",
      description = "POST every finished job here, signed with INGEST_WEBHOOK_SECRET (repeatable; config webhook.urls).")
  List<String> webhookUrls;

  @Option(names = "--drain", description = "Exit 0 once nothing is due.")
  boolean drain;

  @Option(
      names = "--no-listen",
      description = "Poll instead of being woken (PostgreSQL LISTEN/NOTIFY, for poolers in transaction mode; SQLite's"
              + " change watch); config worker.listen=false.")
  boolean noListen;

  @Override
  public Integer call() throws Exception {
    IngestCommand root = IngestCommand.of(spec);
    Logging.level(root.verbose() ? "DEBUG" : "INFO");
    Map<String, String> flags = new java.util.HashMap<>();
    if (embedUrl != null) {
      flags.put("embed.url", embedUrl);
    }
    if (embedModel != null) {
      flags.put("embed.model", embedModel);
    }
    if (webhookUrls != null && !webhookUrls.isEmpty()) {
      flags.put("webhook.urls", String.join(",", webhookUrls));
    }
    IngestConfig config = root.config(flags);
    String format = logFormat != null ? logFormat : config.get("log.format", "text");
    Flags.read(logFormat != null ? "--log-format" : "log.format", () -> {
      Logging.format(format);
      return format;
    });
    WorkerOptions options = options(config);
    dev.ingest.webhook.WebhookSettings webhooks = WorkerFactory.webhooks(config);
    int port = metricsPort != null ? metricsPort : config.getInt("worker.metrics-port", -1);
    if (port < -1 || port > 65535) {
      throw new dev.ingest.core.InvalidInputException("--metrics-port must be between 0 and 65535 (or -1 for none), got " + port);
    }
    String retainFor = retentionAge != null ? retentionAge : config.get("worker.retention").orElse(null);
    Duration retainAge = retainFor == null ? null : Flags.read(retentionAge != null ? "--retention" : "worker.retention", () -> Durations.parse(retainFor));
    try (IngestRuntime runtime = root.openRuntime(flags, options.concurrency() + 3)) {
      boolean listen = !noListen && Boolean.parseBoolean(config.get("worker.listen", "true"));
      Worker worker = WorkerFactory.create(runtime, options, listen);
      dev.ingest.metrics.MetricsServer metrics = null;
      if (port >= 0) {
        dev.ingest.metrics.WorkerMetrics meters = new dev.ingest.metrics.WorkerMetrics();
        worker.observedBy(meters);
        try {
          metrics = dev.ingest.metrics.MetricsServer.start(port, meters, runtime.queue(), runtime.store());
          // why: with --metrics-port 0 the system picks the port, and this line is the only place to learn it.
          org.slf4j.LoggerFactory.getLogger(WorkerCommand.class)
              .info("metrics on http://localhost:{}/metrics (health: /healthz)", metrics.port());
        } catch (java.io.IOException e) {
          throw new dev.ingest.core.InvalidInputException("cannot serve metrics on port " + port + ": " + e.getMessage(), e);
        }
      }
      AtomicInteger exitCode = new AtomicInteger(ExitCodes.OK);
      Signals.onTermination(
          code -> {
            exitCode.set(code);
            Thread stopper = new Thread(() -> worker.shutdown(options.shutdownGrace()), "ingest-shutdown");
            stopper.start();
          },
          worker::handBackNow);
      dev.ingest.worker.RetentionScheduler retention = null;
      dev.ingest.webhook.WebhookDispatcher dispatcher = null;
      try {
        if (webhooks.enabled()) {
          dispatcher =
              new dev.ingest.webhook.WebhookDispatcher(runtime.queue(), webhooks)
                  .start(config.getDuration("webhook.dispatch-interval", Duration.ofMillis(500)));
          // why: --drain must not exit with finished jobs still unannounced.
          worker.beforeDrain(dispatcher::dispatchAll);
        }
        worker.start(WorkerFactory.hostName(), ProcessHandle.current().pid());
        if (retainAge != null) {
          retention =
              new dev.ingest.worker.RetentionScheduler(
                      runtime.retention(), runtime.maintenanceLock(), worker.id(), retainAge,
                      config.getDuration("worker.retention-interval", Duration.ofMinutes(10)))
                  .start();
        }
        worker.awaitStopped();
      } finally {
        if (dispatcher != null) {
          dispatcher.close();
        }
        if (retention != null) {
          retention.close();
        }
        if (metrics != null) {
          metrics.close();
        }
      }
      return exitCode.get();
    }
  }

  private WorkerOptions options(IngestConfig config) {
    Duration ttl = leaseTtl != null ? Flags.read("--lease-ttl", () -> Durations.parse(leaseTtl)) : config.getDuration("worker.lease-ttl", WorkerOptions.DEFAULT_LEASE_TTL);
    Duration beat = heartbeat != null ? Flags.read("--heartbeat", () -> Durations.parse(heartbeat)) : config.getDuration("worker.heartbeat", ttl.dividedBy(3));
    Duration grace =
        shutdownGrace != null
            ? Flags.read("--shutdown-grace", () -> Durations.parse(shutdownGrace))
            : config.getDuration("worker.shutdown-grace", WorkerOptions.DEFAULT_SHUTDOWN_GRACE);
    int n = concurrency != null ? concurrency : config.getInt("worker.concurrency", WorkerOptions.DEFAULT_CONCURRENCY);
    List<String> q = queues != null ? queues : new ArrayList<>();
    if (queues == null) {
      config.get("worker.queues").ifPresent(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(q::add));
    }
    q.forEach(name -> dev.ingest.core.JobFields.name("--queue", name));
    return new WorkerOptions(
        n, q, ttl, beat, grace, drain, WorkerOptions.DEFAULT_MIN_POLL,
        config.getDuration("worker.poll-max", WorkerOptions.DEFAULT_MAX_POLL),
        prefetch(prefetch != null ? "--prefetch" : "worker.prefetch", prefetch != null ? prefetch : config.get("worker.prefetch").orElse("auto")));
  }

  private static int prefetch(String from, String value) {
    return Flags.read(from, () -> {
      if (value.trim().equalsIgnoreCase("auto")) {
        return WorkerOptions.AUTO;
      }
      int n;
      try {
        n = Integer.parseInt(value.trim());
      } catch (NumberFormatException e) {
        throw new dev.ingest.core.InvalidInputException("expected a number of jobs or auto, got '" + value + "'");
      }
      if (n < 0) {
        throw new dev.ingest.core.InvalidInputException("must not be negative, got " + n);
      }
      return n;
    });
  }
}
