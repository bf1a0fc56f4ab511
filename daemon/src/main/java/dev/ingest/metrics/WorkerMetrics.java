package dev.ingest.metrics;

import dev.ingest.queue.JobQueue;
import dev.ingest.queue.Lease;
import dev.ingest.worker.WorkerEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;

/**
 * Prometheus metrics of one worker: jobs started, completed and failed per pipeline, attempt durations as
 * histograms, lease renewals and losses, bytes processed, and (refreshed by {@link #refreshQueue}) queue
 * depth and the oldest due job's age per queue.
 */
public final class WorkerMetrics implements WorkerEvents {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final QueueGauges queueGauges;
  private final Counter renewals;
  private final Counter losses;
  private final Counter bytes;

  public WorkerMetrics() {
    queueGauges = new QueueGauges(registry);
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
  public void jobTimedOut(Lease lease, boolean abandoned) {
    Counter.builder("ingest.jobs.timed_out")
        .description("Attempts stopped at their time limit; abandoned: the step ignored the interrupt")
        .tag("pipeline", lease.job().pipeline())
        .tag("abandoned", String.valueOf(abandoned))
        .register(registry)
        .increment();
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
    queueGauges.refresh(queue);
  }

  public String scrape() {
    return registry.scrape();
  }
}
