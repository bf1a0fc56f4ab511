package dev.ingest.blob;

import java.time.Instant;

/** What the store knows of an object. */
public record BlobInfo(String key, long size, Instant lastModified) {}
