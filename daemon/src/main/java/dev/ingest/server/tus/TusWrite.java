package dev.ingest.server.tus;

import dev.ingest.blob.BlobStore;
import dev.ingest.blob.UploadedPart;
import dev.ingest.core.FileRef;
import dev.ingest.server.ApiError;
import dev.ingest.server.Bodies;
import dev.ingest.tus.TusUpload;
import dev.ingest.upload.PartWriter;
import dev.ingest.upload.UploadService;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.eclipse.jetty.io.Content;

/**
 * One request's write of a tus upload, under the upload's lock: reads the body into a {@link PartWriter}
 * (hashing it as it comes), commits whole parts as they are stored (at most once a second, also while the
 * client stalls), and at the end commits the offset and the bytes short of a part, or completes the upload
 * and enqueues its job.
 */
final class TusWrite {
private final TusService tus;
  private final TusUpload upload;
  private final String owner;
  private final TusService.Checksum checksum;
  private final BlobStore blobs;
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

  TusWrite(TusService tus, TusUpload upload, String owner, TusService.Checksum checksum) {
    this.tus = tus;
    this.blobs = tus.store.get();
    this.upload = upload;
    this.owner = owner;
    this.checksum = checksum;
    this.tailCommitted = upload.tailSize() > 0 ? upload.tailKey() : null;
  }

  TusService.Written run(Content.Source body) throws IOException {
    // why: the digest of every byte committed so far, if this process saw them; this request's bytes are hashed
    // as they arrive (on this thread, while the sender's thread writes the parts: the two overlap).
    long hashedThrough = upload.offset();
    MessageDigest sha = tus.digests.take(upload.id(), hashedThrough);
    MessageDigest shaBefore = sha == null ? null : TusService.copy(sha);
    PartWriter writer =
        new PartWriter(blobs, upload.blobKey(), upload.partSize(), upload.storeUploadId(), upload.partsStored(), tus.budget,
            tus.sender, null);
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

  private TusService.Written write(PartWriter writer, Content.Source body, MessageDigest sha, MessageDigest shaBefore, long hashedThrough)
      throws IOException {
    Received got;
    try {
      got = receive(body, writer, sha);
    } catch (RuntimeException e) {
      // why: the digest as it was before this request, for a next request that starts where this one did.
      tus.digests.put(upload.id(), hashedThrough, shaBefore);
      throw e;
    }
    long newOffset = upload.offset() + got.bytes();
    if (newOffset == upload.length()) {
      return new TusService.Written(complete(writer, sha, got.mime()), newOffset);
    }
    commit(writer, newOffset, got.mime(), sha);
    if (got.cut() != null) {
      // why: what arrived is kept (a tus server should store what it received); the client asks for the offset
      // when it comes back, so there is nobody to tell now.
      TusService.log.debug("upload {} was cut short at {}: {}", upload.id(), newOffset, got.cut().toString());
    }
    return new TusService.Written(upload, newOffset);
  }

  private record Received(long bytes, String mime, IOException cut) {}

  /** Reads the body into the writer; checks it against the request's checksum, if any. */
  private Received receive(Content.Source body, PartWriter writer, MessageDigest sha) {
    MessageDigest bodyDigest = checksum == null ? null : TusService.digest(checksum.algorithm());
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
          tus.metrics.uploadBytes(room);
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
   * The media type, judged once the first {@value #TusService.SNIFF_BYTES} bytes (or the whole upload, if shorter) have
   * arrived; they are then still at the start of the buffer, since no part has been sent yet (parts are at
   * least 5 MiB). A type the server does not accept ends the upload (415).
   */
  private String sniffIfDue(String mime, PartWriter writer, long offsetNow) {
    if (mime != null || !writer.bufferStartsTheObject() || offsetNow < Math.min(TusService.SNIFF_BYTES, upload.length())) {
      return mime;
    }
    String detected = tus.detector.detect(writer.buffer(), (int) Math.min(TusService.SNIFF_BYTES, writer.filled()), upload.name());
    if (!tus.limits.allows(detected)) {
      writer.abort();
      tus.discard(upload);
      throw ApiError.unsupportedMediaType(
          (upload.name() == null ? "the upload" : upload.name()) + " is " + detected + ", which this server does not accept");
    }
    return detected;
  }

  private void renewLock() {
    long now = System.nanoTime();
    if (now - renewedAt < TusService.RENEW_EVERY_NANOS) {
      return;
    }
    renewedAt = now;
    if (!tus.uploads.renewLock(upload.id(), owner, tus.clock.now().plus(TusService.LOCK_TTL))) {
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
    long wait = TusService.COMMIT_EVERY_NANOS - (System.nanoTime() - committedAt);
    if (wait <= 0) {
      commitStored(writer);
    } else if (!commitScheduled) {
      // why: one sync and one transaction a second, not one a part; a part that arrived since is committed
      // when the second is up even if the client stalls, so a crash costs at most that second of sending.
      commitScheduled = true;
      tus.committer.schedule(() -> commitLater(writer), wait, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
  }

  private synchronized void commitLater(PartWriter writer) {
    commitScheduled = false;
    if (!ended && !stored.isEmpty()) {
      try {
        commitStored(writer);
      } catch (RuntimeException e) {
        TusService.log.debug("upload {}: a timed commit failed ({}); the request's end commits", upload.id(), e.toString());
      }
    }
  }

  private void commitStored(PartWriter writer) {
    committedAt = System.nanoTime();
    long offset = (upload.partsStored() + (long) storedCount) * upload.partSize();
    writer.sync();
    if (!tus.uploads.advance(upload.id(), owner, offset, 0, writer.uploadId(), sniffed, List.copyOf(stored), tus.clock.now().plus(tus.expiry))) {
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
        tus.uploads.advance(
            upload.id(), owner, newOffset, tailSize, writer.uploadId(), mime, added.subList(partsCommitted, added.size()),
            tus.clock.now().plus(tus.expiry));
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
      tus.digests.put(upload.id(), newOffset, sha);
    }
  }

  private TusUpload complete(PartWriter writer, MessageDigest sha, String mime) throws IOException {
    // why: the parts of earlier requests; this request's own are the writer's, committed or not.
    List<UploadedPart> earlier = upload.storeUploadId() == null ? List.of() : tus.uploads.parts(upload.id());
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
    UploadService.Admitted admitted = tus.admission.get().admit(upload.tenant(), file, upload.request());
    if (!tus.uploads.finish(
        upload.id(), owner, admitted.file().id(), admitted.job().id(), admitted.deduplicated(), tus.clock.now().plus(tus.expiry))) {
      TusService.log.warn("upload {} was finished by this request but its lock had passed to another", upload.id());
    }
    if (tailCommitted != null) {
      deleteQuietly(tailCommitted);
    }
    tus.digests.forget(upload.id());
    tus.metrics.uploadFinished("tus");
    return tus.find(upload.tenant(), upload.id());
  }

  /** why: this process did not see every byte (the upload came from another, or a restart); read it back once. */
  private String hashStored() throws IOException {
    MessageDigest sha = TusService.digest("SHA-256");
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
      TusService.log.warn("could not delete {}: {}", key, e.getMessage());
    }
  }
}
