package dev.ingest.queue;

/** What a heartbeat learns of a lease it still holds. */
public record LeaseState(int attempt, boolean cancelRequested) {}
