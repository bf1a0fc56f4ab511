package dev.ingest.metrics;

import dev.ingest.queue.JobQueue;
import dev.ingest.queue.QueueStats;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Queue depth by queue and state and the oldest due job's age per queue, as gauges read from the queue. */
public final class QueueGauges {
  private static final Logger log = LoggerFactory.getLogger(QueueGauges.class);

  private final MultiGauge depth;
  private final MultiGauge oldestDue;

  public QueueGauges(MeterRegistry registry) {
    depth = MultiGauge.builder("ingest.queue.depth").description("Jobs by queue and state").register(registry);
    oldestDue =
        MultiGauge.builder("ingest.queue.oldest.due.age").baseUnit("seconds").description("Age of the oldest due job").register(registry);
  }

  /** Reads the gauges' values from the queue (every queue and tenant). */
  public void refresh(JobQueue queue) {
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
}
