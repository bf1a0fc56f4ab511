package dev.ingest.files;

import dev.ingest.core.FileRef;
import java.time.Instant;

/** A stored file as {@code ingest files list} shows it: its reference, owner, age and how many jobs use it. */
public record StoredFile(FileRef file, String tenant, Instant createdAt, int jobs) {}
