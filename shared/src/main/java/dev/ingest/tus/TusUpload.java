package dev.ingest.tus;

import dev.ingest.upload.UploadRequest;
import java.time.Instant;

/**
 * A resumable upload of the tus protocol as the database holds it. {@code offset} counts the bytes committed:
 * whole parts in the store's multipart upload ({@code storeUploadId}, created with the first whole part) plus
 * {@code tailSize} bytes short of a part, kept as the object {@link #tailKey()}. Once the last byte arrived,
 * the file is stored and {@code jobId} names its job.
 */
public record TusUpload(
    String id,
    String tenant,
    long length,
    long offset,
    String metadata,
    String name,
    UploadRequest request,
    String fileId,
    String blobKey,
    String storeUploadId,
    long partSize,
    long tailSize,
    String mimeType,
    String jobId,
    boolean deduplicated,
    Instant createdAt,
    Instant expiresAt) {

  public boolean finished() {
    return jobId != null;
  }

  /** Where the bytes short of a whole part wait for the next request. */
  public String tailKey() {
    return tailKey(id, offset);
  }

  /**
   * The tail's key names the offset it ends at: a request that stored its tail but could not commit it never
   * overwrites the tail the committed offset points to.
   */
  public static String tailKey(String id, long offset) {
    return "tus/" + id + "/tail-" + offset;
  }

  /** How many whole parts are in the store. */
  public int partsStored() {
    return (int) ((offset - tailSize) / partSize);
  }
}
