package dev.ingest.queue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Counts by queue and state, the age of the oldest due job per queue, the workers seen recently, and
 * recent throughput per queue.
 */
public record QueueStats(
    Map<String, Map<String, Long>> countsByQueue,
    Map<String, Duration> oldestDueAge,
    List<WorkerInfo> liveWorkers,
    Map<String, Throughput> throughput) {

  /** Jobs that finished (completed or failed) in the last 1, 5 and 15 minutes. */
  public record Throughput(long lastMinute, long last5Minutes, long last15Minutes) {}
}
