package dev.ingest.server;

import dev.ingest.blob.BlobKeys;
import dev.ingest.blob.BlobStore;
import dev.ingest.core.FileRef;
import dev.ingest.core.Ids;
import dev.ingest.upload.BufferBudget;
import dev.ingest.upload.ContentTypeDetector;
import dev.ingest.upload.PartWriter;
import dev.ingest.upload.UploadLimits;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A file arriving in a request body, written to the store as it comes: hashed (SHA-256), its media type
 * judged from its first bytes and held against the allowed types, its size against the limit.
 */
final class IncomingFile {
  static final int SNIFF_BYTES = 8192;

  private final String fileId = Ids.file();
  private final String key = BlobKeys.object(fileId);
  private final String name;
  private final PartWriter writer;
  private final MessageDigest sha = sha256();
  private final ContentTypeDetector detector;
  private final UploadLimits limits;
  private String mimeType;

  IncomingFile(
      BlobStore store, String name, long partSize, ContentTypeDetector detector, UploadLimits limits, BufferBudget budget,
      java.util.concurrent.Executor sender) {
    this.name = name;
    this.writer = new PartWriter(store, key, partSize, null, 0, budget, sender, null);
    this.detector = detector;
    this.limits = limits;
  }

  void write(ByteBuffer bytes) {
    int length = bytes.remaining();
    if (limits.tooLarge(writer.written() + length)) {
      throw ApiError.tooLarge(name + " is larger than the limit of " + limits.maxSize() + " bytes");
    }
    while (bytes.hasRemaining()) {
      int room = writer.reserve(bytes.remaining());
      int at = writer.filled();
      bytes.get(writer.buffer(), at, room);
      sha.update(writer.buffer(), at, room); // why: here, while the sender's thread writes the previous part
      writer.advance(room);
      if (mimeType == null && writer.written() >= SNIFF_BYTES) {
        sniff();
      }
    }
  }

  private void sniff() {
    // why: the first part is still whole in the buffer: parts are at least 5 MiB, the sample 8 KiB.
    mimeType = detector.detect(writer.buffer(), (int) Math.min(SNIFF_BYTES, writer.written()), name);
    if (!limits.allows(mimeType)) {
      throw ApiError.unsupportedMediaType(name + " is " + mimeType + ", which this server does not accept");
    }
  }

  /** Stores the object whole; returns the file as it should be registered. */
  FileRef finish() {
    if (mimeType == null) {
      sniff();
    }
    try {
      writer.finish(List.of());
    } finally {
      writer.release();
    }
    return new FileRef(fileId, name, writer.written(), HexFormat.of().formatHex(sha.digest()), mimeType, key);
  }

  /** Leaves nothing of this file in the store. */
  void discard(BlobStore store) {
    writer.release();
    try {
      writer.abort();
      store.delete(key);
    } catch (RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(IncomingFile.class).warn("could not discard {}: {}", key, e.getMessage());
    }
  }

  long size() {
    return writer.written();
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
