package dev.ingest.server;

import dev.ingest.metrics.QueueGauges;
import dev.ingest.queue.JobQueue;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Prometheus metrics of one server: requests by method, route template and status with their durations,
 * bytes received into the store, uploads finished, open event streams, and the queue gauges.
 */
public final class ServerMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final QueueGauges queue = new QueueGauges(registry);
  private final Counter bytes;
  private final AtomicInteger streams = new AtomicInteger();

  public ServerMetrics() {
    bytes = Counter.builder("ingest.http.upload.bytes").baseUnit("bytes").description("Bytes of uploads received").register(registry);
    registry.gauge("ingest.http.event.streams", streams);
  }

  void request(String method, String route, int status, long nanos) {
    Timer.builder("ingest.http.requests")
        .tag("method", method)
        .tag("route", route)
        .tag("status", Integer.toString(status))
        .publishPercentileHistogram()
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  public void uploadBytes(long n) {
    bytes.increment(n);
  }

  public void uploadFinished(String kind) {
    Counter.builder("ingest.http.uploads").tag("kind", kind).description("Files received whole").register(registry).increment();
  }

  public void streamOpened() {
    streams.incrementAndGet();
  }

  public void streamClosed() {
    streams.decrementAndGet();
  }

  public void refreshQueue(JobQueue jobs) {
    queue.refresh(jobs);
  }

  public String scrape() {
    return registry.scrape();
  }
}
