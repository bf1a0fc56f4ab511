package dev.ingest.queue;

/** A successful attempt's outcome: the lease it ran under and its result summary (JSON). */
public record Completion(Lease lease, String resultJson) {}
