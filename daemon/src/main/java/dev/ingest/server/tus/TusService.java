package dev.ingest.server.tus;

import dev.ingest.blob.BlobKeys;
import dev.ingest.blob.BlobStore;
import dev.ingest.blob.UploadedPart;
import dev.ingest.core.Clock;
import dev.ingest.core.FileRef;
import dev.ingest.core.Ids;
import dev.ingest.server.ApiError;
import dev.ingest.server.Bodies;
import dev.ingest.server.ServerMetrics;
import dev.ingest.tus.TusUpload;
import dev.ingest.tus.TusUploads;
import dev.ingest.upload.BufferBudget;
import dev.ingest.upload.ContentTypeDetector;
import dev.ingest.upload.PartSizer;
import dev.ingest.upload.PartWriter;
import dev.ingest.upload.UploadLimits;
import dev.ingest.upload.UploadRequest;
import dev.ingest.upload.UploadService;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import org.eclipse.jetty.io.Content;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tus uploads of every tenant: creation, writes at an offset, termination. A write streams the body into
 * the store part by part; bytes short of a whole part are stored as the upload's tail object when the
 * request ends, so nothing waits in a server's memory between requests and any server can continue. When
 * the last byte arrives the object is completed, registered as the tenant's file and its job enqueued.
 */
public final class TusService {
  static final Logger log = LoggerFactory.getLogger(TusService.class);
  static final Duration LOCK_TTL = Duration.ofSeconds(10);
  static final long COMMIT_EVERY_NANOS = Duration.ofSeconds(1).toNanos();
  static final long RENEW_EVERY_NANOS = Duration.ofSeconds(3).toNanos();
  static final int SNIFF_BYTES = 8192;

  final TusUploads uploads;
  final Supplier<BlobStore> store;
  final Supplier<UploadService> admission;
  final ContentTypeDetector detector;
  final UploadLimits limits;
  final Clock clock;
  final Duration expiry;
  final ServerMetrics metrics;
  final BufferBudget budget;
  final java.util.concurrent.Executor sender;
  final java.util.concurrent.ScheduledExecutorService committer =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ingest-tus-commit");
        t.setDaemon(true);
        return t;
      });
  final TusDigests digests = new TusDigests();

  public TusService(
      TusUploads uploads, Supplier<BlobStore> store, Supplier<UploadService> admission, ContentTypeDetector detector,
      UploadLimits limits, BufferBudget budget, java.util.concurrent.Executor sender, Clock clock, Duration expiry,
      ServerMetrics metrics) {
    this.budget = budget;
    this.sender = sender;
    this.uploads = uploads;
    this.store = store;
    this.admission = admission;
    this.detector = detector;
    this.limits = limits;
    this.clock = clock;
    this.expiry = expiry;
    this.metrics = metrics;
  }

  public UploadLimits limits() {
    return limits;
  }

  /** A new, empty upload of {@code length} bytes. */
  public TusUpload create(String tenant, long length, String metadata, String name, UploadRequest request) {
    if (limits.tooLarge(length)) {
      throw ApiError.tooLarge("Upload-Length " + length + " is over this server's limit of " + limits.maxSize() + " bytes");
    }
    Instant now = clock.now();
    String fileId = Ids.file();
    TusUpload upload =
        new TusUpload(
            Ids.generate("tus_", now.toEpochMilli()), tenant, length, 0, metadata, name, request, fileId,
            BlobKeys.object(fileId), null, PartSizer.choose(length, 0), 0, null, null, false, now, now.plus(expiry));
    uploads.create(upload);
    return upload;
  }

  /** The tenant's upload; 404 when there is none, 410 once it expired. */
  public TusUpload find(String tenant, String id) {
    TusUpload upload = uploads.find(tenant, id).orElseThrow(() -> ApiError.notFound("no upload " + id));
    if (!upload.finished() && upload.expiresAt().isBefore(clock.now())) {
      throw new ApiError(410, "gone", "upload " + id + " expired");
    }
    return upload;
  }

  /** A checksum the client sent for a request's body: the algorithm's name and the expected digest. */
  public record Checksum(String algorithm, byte[] expected) {
    public static Checksum parse(String header) {
      if (header == null) {
        return null;
      }
      String[] parts = header.trim().split(" ");
      if (parts.length != 2) {
        throw ApiError.badRequest("Upload-Checksum must be '<algorithm> <base64 digest>'");
      }
      String algorithm =
          switch (parts[0]) {
            case "sha1" -> "SHA-1";
            case "sha256" -> "SHA-256";
            default -> throw ApiError.badRequest("checksum algorithm '" + parts[0] + "' is not supported (sha1, sha256)");
          };
      try {
        return new Checksum(algorithm, Base64.getDecoder().decode(parts[1]));
      } catch (IllegalArgumentException e) {
        throw ApiError.badRequest("the Upload-Checksum digest is not Base64");
      }
    }
  }

  /** What a write left: the committed offset and, once the upload is complete, its job. */
  public record Written(TusUpload upload, long offset) {}

  /**
   * Writes the body of a request at {@code offset}. Takes the upload's lock (423 while another request
   * holds it) and commits as it goes; with a checksum, commits nothing unless the body matches (460).
   */
  public Written write(String tenant, String id, long offset, Checksum checksum, long contentLength, Content.Source body)
      throws IOException {
    TusUpload upload = find(tenant, id);
    if (upload.finished()) {
      throw ApiError.conflict("upload " + id + " is complete; its job is " + upload.jobId());
    }
    if (offset != upload.offset()) {
      throw offsetMismatch(upload, offset);
    }
    if (contentLength > 0 && offset + contentLength > upload.length()) {
      throw ApiError.tooLarge("the body would take the upload past its Upload-Length of " + upload.length());
    }
    String owner = Ids.secret(20);
    Instant now = clock.now();
    if (!uploads.tryLock(tenant, id, owner, now, now.plus(LOCK_TTL))) {
      throw new ApiError(423, "locked", "another request is writing upload " + id)
          .header("Retry-After", Long.toString(LOCK_TTL.toSeconds()));
    }
    try {
      upload = find(tenant, id); // as it is now that we hold the lock
      if (upload.finished()) {
        throw ApiError.conflict("upload " + id + " is complete; its job is " + upload.jobId());
      }
      if (offset != upload.offset()) {
        throw offsetMismatch(upload, offset);
      }
      return new TusWrite(this, upload, owner, checksum).run(body);
    } finally {
      uploads.unlock(id, owner);
    }
  }

  private static ApiError offsetMismatch(TusUpload upload, long offset) {
    return ApiError.conflict("Upload-Offset " + offset + " does not match the upload's offset " + upload.offset())
        .header("Upload-Offset", Long.toString(upload.offset()));
  }

  /** Removes an unfinished upload with its stored parts and tail. */
  public void terminate(String tenant, String id) {
    TusUpload upload = find(tenant, id);
    if (upload.finished()) {
      throw ApiError.conflict("upload " + id + " is complete and its file belongs to job " + upload.jobId()
          + "; cancel or delete the job instead");
    }
    String owner = Ids.secret(20);
    Instant now = clock.now();
    if (!uploads.tryLock(tenant, id, owner, now, now.plus(LOCK_TTL))) {
      throw new ApiError(423, "locked", "another request is writing upload " + id)
          .header("Retry-After", Long.toString(LOCK_TTL.toSeconds()));
    }
    discard(upload);
  }

  void discard(TusUpload upload) {
    BlobStore s = store.get();
    if (upload.storeUploadId() != null) {
      s.abortMultipart(upload.blobKey(), upload.storeUploadId());
    }
    if (upload.tailSize() > 0) {
      s.delete(upload.tailKey());
    }
    uploads.delete(upload.id());
    digests.forget(upload.id());
  }

  /** A new upload's SHA-256 starts here; later requests find it in {@link TusDigests}. */
  public void started(TusUpload upload) {
    digests.put(upload.id(), 0, digest("SHA-256"));
  }

  /** Completes an upload of no bytes at once. */
  public TusUpload completeEmpty(TusUpload upload) throws IOException {
    String owner = Ids.secret(20);
    Instant now = clock.now();
    if (!uploads.tryLock(upload.tenant(), upload.id(), owner, now, now.plus(LOCK_TTL))) {
      throw new ApiError(423, "locked", "another request is writing upload " + upload.id());
    }
    return new TusWrite(this, upload, owner, null).run(Content.Source.from(ByteBuffer.allocate(0))).upload();
  }

  static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static MessageDigest copy(MessageDigest d) {
    try {
      return (MessageDigest) d.clone();
    } catch (CloneNotSupportedException e) {
      return null;
    }
  }
}
