package dev.ingest.blob;

import java.time.Instant;

/** A multipart upload that was started and not yet completed or aborted. */
public record PendingUpload(String key, String uploadId, Instant initiated) {}
