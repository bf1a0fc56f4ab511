package dev.ingest.upload;

import java.time.Instant;

/**
 * A multipart upload in progress, persisted before its first part so that the same command, run again after
 * a crash, finds it and sends only what is missing. {@code path} is absolute; {@code size} and
 * {@code mtimeMillis} tell whether the file is still the one that was being sent.
 */
public record UploadSession(
    String id,
    String path,
    long size,
    long mtimeMillis,
    String fileId,
    String blobKey,
    String uploadId,
    long partSize,
    Instant createdAt) {

  public boolean matches(long size, long mtimeMillis) {
    return this.size == size && this.mtimeMillis == mtimeMillis;
  }
}
