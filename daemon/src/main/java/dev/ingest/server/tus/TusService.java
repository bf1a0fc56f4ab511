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
  private static final Logger log = LoggerFactory.getLogger(TusService.class);
  static final Duration LOCK_TTL = Duration.ofSeconds(10);
  static final long COMMIT_EVERY_NANOS = Duration.ofSeconds(1).toNanos();
  private static final long RENEW_EVERY_NANOS = Duration.ofSeconds(3).toNanos();
  static final int SNIFF_BYTES = 8192;

  private final TusUploads uploads;
  private final Supplier<BlobStore> store;
  private final Supplier<UploadService> admission;
  private final ContentTypeDetector detector;
  private final UploadLimits limits;
  private final Clock clock;
  private final Duration expiry;
  private final ServerMetrics metrics;
  private final BufferBudget budget;
  private final java.util.concurrent.Executor sender;
  private final java.util.concurrent.ScheduledExecutorService committer =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ingest-tus-commit");
        t.setDaemon(true);
        return t;
      });
  private final TusDigests digests = new TusDigests();

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
      return new Writing(upload, owner, checksum).run(body);
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

  private void discard(TusUpload upload) {
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

  /** One request's write of an upload, under its lock. */
  private final class Writing {
    private final TusUpload upload;
    private final String owner;
    private final Checksum checksum;
    private final BlobStore blobs = store.get();
    private long renewedAt = System.nanoTime();
    /** What the database holds now: parts this request committed, and the tail object the offset points to. */
    private int partsCommitted;
    private String tailCommitted;
    /** Parts stored since the last commit, how many this request has stored in all, and when it last committed. */
    private final List<UploadedPart> stored = new java.util.ArrayList<>();
    private int storedCount;
    private long committedAt = System.nanoTime();
    private boolean commitScheduled;
    /** Set once the request's own last commit (or completion) is under way: timed commits stop. */
    private boolean ended;
    /** The media type once judged, for the commits made on the sender's thread. */
    private volatile String sniffed;

    Writing(TusUpload upload, String owner, Checksum checksum) {
      this.upload = upload;
      this.owner = owner;
      this.checksum = checksum;
      this.tailCommitted = upload.tailSize() > 0 ? upload.tailKey() : null;
    }

    Written run(Content.Source body) throws IOException {
      // why: the digest of every byte committed so far, if this process saw them; this request's bytes are hashed
      // as they arrive (on this thread, while the sender's writes the parts: the two overlap).
      long hashedThrough = upload.offset();
      MessageDigest sha = digests.take(upload.id(), hashedThrough);
      MessageDigest shaBefore = sha == null ? null : copy(sha);
      PartWriter writer =
          new PartWriter(blobs, upload.blobKey(), upload.partSize(), upload.storeUploadId(), upload.partsStored(), budget,
              sender, null);
      if (checksum == null) {
        writer.onStored((part, count) -> commitPart(writer, part, count));
      }
      try {
        if (upload.tailSize() > 0) {
          try (InputStream in = blobs.get(upload.tailKey())) {
            writer.prefill(in, Math.toIntExact(upload.tailSize()));
          }
        }
        return write(writer, body, sha, shaBefore, hashedThrough);
      } finally {
        synchronized (this) {
          ended = true;
        }
        writer.release();
      }
    }

    private Written write(PartWriter writer, Content.Source body, MessageDigest sha, MessageDigest shaBefore, long hashedThrough)
        throws IOException {
      Received got;
      try {
        got = receive(body, writer, sha);
      } catch (RuntimeException e) {
        // why: the digest as it was before this request, for a next request that starts where this one did.
        digests.put(upload.id(), hashedThrough, shaBefore);
        throw e;
      }
      long newOffset = upload.offset() + got.bytes();
      if (newOffset == upload.length()) {
        return new Written(complete(writer, sha, got.mime()), newOffset);
      }
      commit(writer, newOffset, got.mime(), sha);
      if (got.cut() != null) {
        // why: what arrived is kept (a tus server should store what it received); the client asks for the offset
        // when it comes back, so there is nobody to tell now.
        log.debug("upload {} was cut short at {}: {}", upload.id(), newOffset, got.cut().toString());
      }
      return new Written(upload, newOffset);
    }

    private record Received(long bytes, String mime, IOException cut) {}

    /** Reads the body into the writer; checks it against the request's checksum, if any. */
    private Received receive(Content.Source body, PartWriter writer, MessageDigest sha) {
      MessageDigest bodyDigest = checksum == null ? null : digest(checksum.algorithm());
      String mime = upload.mimeType();
      long received = 0;
      IOException cut = null;
      while (true) {
        Content.Chunk chunk;
        try {
          chunk = Bodies.next(body);
        } catch (IOException e) {
          cut = e; // the client went away, or stalled past the idle timeout
          break;
        }
        try {
          ByteBuffer bytes = chunk.getByteBuffer();
          if (upload.offset() + received + bytes.remaining() > upload.length()) {
            throw ApiError.tooLarge("the body goes past the upload's Upload-Length of " + upload.length());
          }
          while (bytes.hasRemaining()) {
            int room = writer.reserve(bytes.remaining());
            int at = writer.filled();
            bytes.get(writer.buffer(), at, room);
            if (sha != null) {
              sha.update(writer.buffer(), at, room);
            }
            if (bodyDigest != null) {
              bodyDigest.update(writer.buffer(), at, room);
            }
            writer.advance(room);
            received += room;
            metrics.uploadBytes(room);
            mime = sniffIfDue(mime, writer, upload.offset() + received);
            sniffed = mime;
            renewLock();
          }
          if (chunk.isLast()) {
            break;
          }
        } finally {
          chunk.release();
        }
      }
      if (checksum != null) {
        if (cut != null) {
          throw ApiError.badRequest("the body was cut short, so its Upload-Checksum cannot be checked; nothing was kept");
        }
        if (!MessageDigest.isEqual(bodyDigest.digest(), checksum.expected())) {
          throw new ApiError(460, "checksum_mismatch", "the body does not match its Upload-Checksum; nothing was kept");
        }
      }
      return new Received(received, mime, cut);
    }

    /**
     * The media type, judged once the first {@value #SNIFF_BYTES} bytes (or the whole upload, if shorter) have
     * arrived; they are then still at the start of the buffer, since no part has been sent yet (parts are at
     * least 5 MiB). A type the server does not accept ends the upload (415).
     */
    private String sniffIfDue(String mime, PartWriter writer, long offsetNow) {
      if (mime != null || !writer.bufferStartsTheObject() || offsetNow < Math.min(SNIFF_BYTES, upload.length())) {
        return mime;
      }
      String detected = detector.detect(writer.buffer(), (int) Math.min(SNIFF_BYTES, writer.filled()), upload.name());
      if (!limits.allows(detected)) {
        writer.abort();
        discard(upload);
        throw ApiError.unsupportedMediaType(
            (upload.name() == null ? "the upload" : upload.name()) + " is " + detected + ", which this server does not accept");
      }
      return detected;
    }

    private void renewLock() {
      long now = System.nanoTime();
      if (now - renewedAt < RENEW_EVERY_NANOS) {
        return;
      }
      renewedAt = now;
      if (!uploads.renewLock(upload.id(), owner, clock.now().plus(LOCK_TTL))) {
        throw ApiError.conflict("upload " + upload.id() + " was taken over by another request");
      }
    }

    /**
     * Commits the whole parts stored so far, as each is stored (on the thread that stored it), so that a server
     * killed in the middle of a long request loses at most the part it was filling. Not with a checksum, whose
     * body must be whole before any of it is kept.
     */
    private synchronized void commitPart(PartWriter writer, UploadedPart part, int count) {
      stored.add(part);
      storedCount = count;
      long wait = COMMIT_EVERY_NANOS - (System.nanoTime() - committedAt);
      if (wait <= 0) {
        commitStored(writer);
      } else if (!commitScheduled) {
        // why: one sync and one transaction a second, not one a part; a part that arrived since is committed
        // when the second is up even if the client stalls, so a crash costs at most that second of sending.
        commitScheduled = true;
        committer.schedule(() -> commitLater(writer), wait, java.util.concurrent.TimeUnit.NANOSECONDS);
      }
    }

    private synchronized void commitLater(PartWriter writer) {
      commitScheduled = false;
      if (!ended && !stored.isEmpty()) {
        try {
          commitStored(writer);
        } catch (RuntimeException e) {
          log.debug("upload {}: a timed commit failed ({}); the request's end commits", upload.id(), e.toString());
        }
      }
    }

    private void commitStored(PartWriter writer) {
      committedAt = System.nanoTime();
      long offset = (upload.partsStored() + (long) storedCount) * upload.partSize();
      writer.sync();
      if (!uploads.advance(upload.id(), owner, offset, 0, writer.uploadId(), sniffed, List.copyOf(stored), clock.now().plus(expiry))) {
        throw ApiError.conflict("upload " + upload.id() + " was taken over by another request");
      }
      stored.clear();
      partsCommitted = storedCount;
      if (tailCommitted != null) {
        deleteQuietly(tailCommitted); // its bytes are in a part just committed
        tailCommitted = null;
      }
    }

    private void commit(PartWriter writer, long newOffset, String mime, MessageDigest sha) {
      writer.flushWholeParts(); // why: outside the lock: the part in flight commits itself, under it
      commitRest(writer, newOffset, mime, sha);
    }

    private synchronized void commitRest(PartWriter writer, long newOffset, String mime, MessageDigest sha) {
      ended = true;
      writer.sync();
      stored.clear(); // why: committed below with every part added since the last commit
      int tailSize = writer.filled();
      String newTail = TusUpload.tailKey(upload.id(), newOffset);
      boolean tailMoved = tailSize > 0 && !newTail.equals(tailCommitted);
      if (tailMoved) {
        blobs.put(newTail, writer.tail(), tailSize);
      }
      List<UploadedPart> added = writer.added();
      boolean committed =
          uploads.advance(
              upload.id(), owner, newOffset, tailSize, writer.uploadId(), mime, added.subList(partsCommitted, added.size()),
              clock.now().plus(expiry));
      if (!committed) {
        if (tailMoved) {
          blobs.delete(newTail);
        }
        throw ApiError.conflict("upload " + upload.id() + " was taken over by another request");
      }
      partsCommitted = added.size();
      if (tailCommitted != null && !tailCommitted.equals(newTail)) {
        deleteQuietly(tailCommitted);
      }
      tailCommitted = tailSize > 0 ? newTail : null;
      if (sha != null) {
        digests.put(upload.id(), newOffset, sha);
      }
    }

    private TusUpload complete(PartWriter writer, MessageDigest sha, String mime) throws IOException {
      // why: the parts of earlier requests; this request's own are the writer's, committed or not.
      List<UploadedPart> earlier = upload.storeUploadId() == null ? List.of() : uploads.parts(upload.id());
      earlier = earlier.stream().filter(p -> p.number() <= writer.partsBefore()).toList();
      // why: the last part may be short of a whole one; the upload's end is recorded by finish, not per part.
      synchronized (this) {
        ended = true;
      }
      writer.onStored((part, count) -> {});
      writer.finish(earlier);
      String sha256 = sha != null ? HexFormat.of().formatHex(sha.digest()) : hashStored();
      if (mime == null) {
        mime = "application/octet-stream";
      }
      String name = upload.name() == null ? "upload" : upload.name();
      FileRef file = new FileRef(upload.fileId(), name, upload.length(), sha256, mime, upload.blobKey());
      UploadService.Admitted admitted = admission.get().admit(upload.tenant(), file, upload.request());
      if (!uploads.finish(
          upload.id(), owner, admitted.file().id(), admitted.job().id(), admitted.deduplicated(), clock.now().plus(expiry))) {
        log.warn("upload {} was finished by this request but its lock had passed to another", upload.id());
      }
      if (tailCommitted != null) {
        deleteQuietly(tailCommitted);
      }
      digests.forget(upload.id());
      metrics.uploadFinished("tus");
      return find(upload.tenant(), upload.id());
    }

    /** why: this process did not see every byte (the upload came from another, or a restart); read it back once. */
    private String hashStored() throws IOException {
      MessageDigest sha = digest("SHA-256");
      byte[] buffer = new byte[1 << 20];
      try (InputStream in = blobs.get(upload.blobKey())) {
        int n;
        while ((n = in.read(buffer)) > 0) {
          sha.update(buffer, 0, n);
        }
      }
      return HexFormat.of().formatHex(sha.digest());
    }

    private void deleteQuietly(String key) {
      try {
        blobs.delete(key);
      } catch (RuntimeException e) {
        log.warn("could not delete {}: {}", key, e.getMessage());
      }
    }
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
    return new Writing(upload, owner, null).run(Content.Source.from(ByteBuffer.allocate(0))).upload();
  }

  static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static MessageDigest copy(MessageDigest d) {
    try {
      return (MessageDigest) d.clone();
    } catch (CloneNotSupportedException e) {
      return null;
    }
  }
}
