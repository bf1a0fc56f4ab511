package dev.ingest.queue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Counts by queue and state, the age of the oldest due job per queue, and the workers seen recently. */
public record QueueStats(
    Map<String, Map<String, Long>> countsByQueue,
    Map<String, Duration> oldestDueAge,
    List<WorkerInfo> liveWorkers) {}
