package dev.ingest.tus;

import dev.ingest.blob.UploadedPart;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Durable state of tus uploads, shared by every server process. One request at a time writes an upload: it
 * takes the upload's lock, and each write it commits is fenced by that lock.
 */
public interface TusUploads {

  void create(TusUpload upload);

  /** The tenant's upload of this id; another tenant's is not found. */
  Optional<TusUpload> find(String tenant, String id);

  /**
   * Takes the upload's lock for {@code owner} until {@code until}, unless another owner holds it unexpired.
   * Returns false when it is held (or the upload does not exist).
   */
  boolean tryLock(String tenant, String id, String owner, Instant now, Instant until);

  /** Extends a held lock; false when {@code owner} no longer holds it. */
  boolean renewLock(String id, String owner, Instant until);

  void unlock(String id, String owner);

  /**
   * Commits what a request wrote: the new offset and tail size, the store's upload id, the parts it added and
   * the new expiry. False (nothing written) when {@code owner} lost the lock meanwhile.
   */
  boolean advance(
      String id, String owner, long offset, long tailSize, String storeUploadId, String mimeType,
      List<UploadedPart> newParts, Instant expiresAt);

  /** The parts committed so far, in order. */
  List<UploadedPart> parts(String id);

  /** Marks the upload finished with its file and job. */
  boolean finish(String id, String owner, String fileId, String jobId, boolean deduplicated, Instant expiresAt);

  /** Removes the upload and its part records. */
  void delete(String id);

  /** Uploads of this tenant (every tenant's when null) that expired before {@code now}. */
  List<TusUpload> expiredBefore(String tenant, Instant now);

  /** The store upload ids of unfinished, unexpired uploads: what retention must not abort as strays. */
  Set<String> liveStoreUploadIds(Instant now);
}
