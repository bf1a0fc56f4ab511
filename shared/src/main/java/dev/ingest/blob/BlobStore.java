package dev.ingest.blob;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * Where file bytes and results live. Objects appear whole or not at all: a multipart upload becomes visible
 * only when completed, a put only when fully written. Keys are produced by ingest, never taken from user
 * file names (see {@link BlobKeys}).
 */
public interface BlobStore extends AutoCloseable {

  /**
   * Starts a multipart upload for {@code key}; returns its upload id. Every part but the last will be
   * {@code partSize} bytes long (stores may place parts by it).
   */
  String createMultipart(String key, long partSize);

  /**
   * Stores part {@code partNumber} (1-based) of an upload. {@code checksum} is the base64 CRC32C of the bytes;
   * the store verifies it and rejects a part that does not match.
   */
  UploadedPart uploadPart(String key, String uploadId, int partNumber, byte[] data, int length, String checksum);

  /**
   * {@link #uploadPart}, but the part may stay in the operating system's cache until {@link #syncUpload}: for
   * callers that record parts as done in batches and make them durable once per batch. Stores whose parts are
   * durable when acknowledged (S3) need not tell the two apart.
   */
  default UploadedPart uploadPartUnsynced(String key, String uploadId, int partNumber, byte[] data, int length, String checksum) {
    return uploadPart(key, uploadId, partNumber, data, length, checksum);
  }

  /** Makes the parts sent with {@link #uploadPartUnsynced} durable. */
  default void syncUpload(String key, String uploadId) {}

  /**
   * The parts the store holds for an upload (all pages); {@link dev.ingest.core.NotFoundException} when the
   * upload is unknown, completed or aborted. A part's checksum is null where the store does not report it.
   */
  List<UploadedPart> listParts(String key, String uploadId);

  /** Assembles the parts in order into the object {@code key}, atomically. */
  void completeMultipart(String key, String uploadId, List<UploadedPart> parts);

  /** Drops an upload and its parts; nothing is left behind. Unknown uploads are ignored. */
  void abortMultipart(String key, String uploadId);

  /** Multipart uploads that were started and neither completed nor aborted. */
  List<PendingUpload> listPendingUploads();

  /** Stores an object whole; a reader sees the old object or the new one, never part of one. */
  void put(String key, byte[] data, int length);

  /**
   * Stores an object under a key no one knows yet (a new file's, before any row names it): a store may write
   * it in place, since nobody reads the key meanwhile, and what a crash leaves is a stray object that
   * {@code ingest cleanup} removes. A key written before (a request retried after a crash) is replaced whole,
   * as by {@link #put}. {@link dev.ingest.core.UnavailableException} (with the object gone) when it cannot be
   * written.
   */
  default void putNew(String key, byte[] data, int length) {
    put(key, data, length);
  }

  /** Opens an object for reading; {@link dev.ingest.core.NotFoundException} when absent. */
  InputStream get(String key);

  Optional<BlobInfo> stat(String key);

  /**
   * Hands every object whose key starts with {@code prefix} (a folder such as {@code objects/}) to
   * {@code each}, in no particular order; uploads not yet completed are not objects.
   */
  void list(String prefix, java.util.function.Consumer<BlobInfo> each);

  /** Deletes an object; absent objects are ignored. */
  void delete(String key);

  /** Where this store keeps its objects, without secrets. */
  String describe();

  @Override
  default void close() {}
}
