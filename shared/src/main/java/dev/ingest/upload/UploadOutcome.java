package dev.ingest.upload;

import dev.ingest.core.FileRef;
import dev.ingest.core.Job;
import java.nio.file.Path;

/**
 * What one file's upload produced. {@code deduplicated} says the job is an existing one (same content and
 * pipeline, or same dedupe key); {@code bytesSent} counts what actually went to the store.
 */
public record UploadOutcome(Path path, FileRef file, Job job, boolean deduplicated, long bytesSent, boolean resumed) {}
