package dev.ingest.files;

import dev.ingest.core.FileRef;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The stored files, one per distinct content (SHA-256) within a tenant. */
public interface FileCatalog {

  /** This tenant's file with this content. */
  Optional<FileRef> findBySha256(String tenant, String sha256);

  Optional<FileRef> find(String fileId);

  /** Whether any of this tenant's files has this size: only then can new content be a duplicate. */
  boolean anyWithSize(String tenant, long size);

  /**
   * Records a stored file of a tenant. When another file of the tenant with the same content was recorded
   * first, returns that one instead, and the caller's object is redundant.
   */
  FileRef add(String tenant, FileRef file, Instant createdAt);

  void updateMimeType(String fileId, String mimeType);

  /** Files of this tenant (every tenant's when null) created before the cutoff that no job refers to. */
  List<FileRef> unreferencedBefore(String tenant, Instant cutoff);

  void delete(String fileId);

  /** Which of these file ids have a row, in any tenant. */
  java.util.Set<String> existing(java.util.Collection<String> fileIds);

  /** This tenant's files (every tenant's when null), newest first, with how many jobs use each. */
  List<StoredFile> list(String tenant, int limit);

  /** This tenant's file (any tenant's when null), with how many jobs use it. */
  Optional<StoredFile> describe(String tenant, String fileId);
}
