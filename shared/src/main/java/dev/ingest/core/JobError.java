package dev.ingest.core;

import java.time.Instant;

/** The error an attempt ended with. {@code type} is a short machine-readable word such as {@code corrupt_input}. */
public record JobError(int attempt, String message, String type, boolean retryable, Instant at) {}
