package dev.ingest.metrics;

import dev.ingest.queue.JobQueue;
import dev.ingest.queue.Lease;
import dev.ingest.queue.QueueStats;
import dev.ingest.worker.WorkerEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prometheus metrics of one worker: jobs started, completed and failed per pipeline, attempt durations as
 * histograms, lease renewals and losses, bytes processed, and (refreshed by {@link #refreshQueue}) queue
 * depth and the oldest due job's age per queue.
 */
public final class WorkerMetrics implements WorkerEvents {
  private static final Logger log = LoggerFactory.getLogger(WorkerMetrics.class);

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MultiGauge depth;
  private final MultiGauge oldestDue;
  private final Counter renewals;
  private final Counter losses;
  private final Counter bytes;

  public WorkerMetrics() {
    depth = MultiGauge.builder("ingest.queue.depth").description("Jobs by queue and state").register(registry);
    oldestDue =
        MultiGauge.builder("ingest.queue.oldest.due.age").baseUnit("seconds").description("Age of the oldest due job").register(registry);
    renewals = Counter.builder("ingest.lease.renewals").description("Leases extended by heartbeats").register(registry);
    losses = Counter.builder("ingest.lease.losses").description("Leases lost to another worker").register(registry);
    bytes = Counter.builder("ingest.bytes.processed").baseUnit("bytes").description("Bytes of files of completed jobs").register(registry);
  }

  @Override
  public void jobStarted(Lease lease) {
    Counter.builder("ingest.jobs.started").tag("pipeline", lease.job().pipeline()).register(registry).increment();
  }

  @Override
  public void jobFinished(Lease lease, Outcome outcome, Duration took) {
    String pipeline = lease.job().pipeline();
    String name =
        switch (outcome) {
          case COMPLETED -> "ingest.jobs.completed";
          case RETRYING, FAILED -> "ingest.jobs.failed";
          case CANCELLED -> "ingest.jobs.cancelled";
          case LEASE_LOST, HANDED_BACK -> "ingest.jobs.interrupted";
        };
    Counter.Builder counter = Counter.builder(name).tag("pipeline", pipeline);
    if (outcome == Outcome.RETRYING || outcome == Outcome.FAILED) {
      counter.tag("final", String.valueOf(outcome == Outcome.FAILED));
    }
    counter.register(registry).increment();
    Timer.builder("ingest.job.duration")
        .tag("pipeline", pipeline)
        .tag("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT))
        .publishPercentileHistogram()
        .register(registry)
        .record(took);
    if (outcome == Outcome.COMPLETED && lease.job().file() != null) {
      bytes.increment(lease.job().file().size());
    }
  }

  @Override
  public void leasesRenewed(int count) {
    renewals.increment(count);
  }

  @Override
  public void leaseLost(Lease lease) {
    losses.increment();
  }

  /** Reads queue depth and oldest due age from the queue (every queue, not only this worker's). */
  public void refreshQueue(JobQueue queue) {
    try {
      QueueStats stats = queue.stats();
      List<MultiGauge.Row<?>> rows = new ArrayList<>();
      for (Map.Entry<String, Map<String, Long>> q : stats.countsByQueue().entrySet()) {
        q.getValue().forEach((status, n) -> rows.add(MultiGauge.Row.of(Tags.of("queue", q.getKey(), "status", status), n)));
      }
      depth.register(rows, true);
      List<MultiGauge.Row<?>> ages = new ArrayList<>();
      stats.oldestDueAge().forEach((q, age) -> ages.add(MultiGauge.Row.of(Tags.of("queue", q), age.toMillis() / 1000.0)));
      oldestDue.register(ages, true);
    } catch (RuntimeException e) {
      log.warn("could not read queue statistics for metrics: {}", e.getMessage());
    }
  }

  public String scrape() {
    return registry.scrape();
  }
}
