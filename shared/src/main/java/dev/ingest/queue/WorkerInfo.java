package dev.ingest.queue;

import java.time.Instant;

/** A worker process as it registers itself; {@code lastSeen} moves with every heartbeat. */
public record WorkerInfo(
    String id,
    String host,
    long pid,
    String queues,
    int concurrency,
    java.time.Duration heartbeat,
    Instant startedAt,
    Instant lastSeen) {}
