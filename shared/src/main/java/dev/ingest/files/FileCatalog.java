package dev.ingest.files;

import dev.ingest.core.FileRef;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The stored files, one per distinct content (SHA-256). */
public interface FileCatalog {

  Optional<FileRef> findBySha256(String sha256);

  Optional<FileRef> find(String fileId);

  /** Whether any stored file has this size: only then can new content be a duplicate. */
  boolean anyWithSize(long size);

  /**
   * Records a stored file. When another file with the same content was recorded first, returns that one
   * instead, and the caller's object is redundant.
   */
  FileRef add(FileRef file, Instant createdAt);

  void updateMimeType(String fileId, String mimeType);

  /** Files created before the cutoff that no job refers to any more. */
  List<FileRef> unreferencedBefore(Instant cutoff);

  void delete(String fileId);
}
