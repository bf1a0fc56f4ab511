package dev.ingest.upload;

import dev.ingest.blob.BlobInfo;
import dev.ingest.blob.BlobStore;
import dev.ingest.blob.PendingUpload;
import dev.ingest.blob.UploadedPart;
import dev.ingest.core.UnavailableException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A real store with a fault switch in front: counts parts stored and fails the parts it is told to. */
public final class CountingBlobStore implements BlobStore, dev.ingest.blob.FileRegionUpload {
  private final BlobStore delegate;
  public final AtomicInteger partsSent = new AtomicInteger();
  public final AtomicInteger puts = new AtomicInteger();
  public final Set<Integer> failingParts = ConcurrentHashMap.newKeySet();
  /** While set, deletes fail as a store that is down would. */
  public volatile boolean failDeletes;
  /** While set, a completed multipart upload is followed by a failure, as a process killed right after would be. */
  public volatile boolean crashAfterComplete;

  public CountingBlobStore(BlobStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public String createMultipart(String key, long partSize) {
    return delegate.createMultipart(key, partSize);
  }

  @Override
  public UploadedPart uploadPart(String key, String uploadId, int partNumber, byte[] data, int length, String checksum) {
    if (failingParts.contains(partNumber)) {
      throw new UnavailableException("injected failure on part " + partNumber, null);
    }
    UploadedPart part = delegate.uploadPart(key, uploadId, partNumber, data, length, checksum);
    partsSent.incrementAndGet();
    return part;
  }

  @Override
  public UploadedPart uploadPartFromFile(
      String key, String uploadId, int partNumber, java.nio.file.Path source, long offset, int length, String checksum) {
    if (!(delegate instanceof dev.ingest.blob.FileRegionUpload)) {
      byte[] data = new byte[length];
      try (java.nio.channels.FileChannel in = java.nio.channels.FileChannel.open(source)) {
        in.read(java.nio.ByteBuffer.wrap(data), offset);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return uploadPart(key, uploadId, partNumber, data, length, checksum);
    }
    if (failingParts.contains(partNumber)) {
      throw new UnavailableException("injected failure on part " + partNumber, null);
    }
    UploadedPart part =
        ((dev.ingest.blob.FileRegionUpload) delegate)
            .uploadPartFromFile(key, uploadId, partNumber, source, offset, length, checksum);
    partsSent.incrementAndGet();
    return part;
  }

  @Override
  public List<UploadedPart> listParts(String key, String uploadId) {
    return delegate.listParts(key, uploadId);
  }

  @Override
  public void completeMultipart(String key, String uploadId, List<UploadedPart> parts) {
    delegate.completeMultipart(key, uploadId, parts);
    if (crashAfterComplete) {
      throw new UnavailableException("injected: the process died after the store completed the upload", null);
    }
  }

  @Override
  public void abortMultipart(String key, String uploadId) {
    delegate.abortMultipart(key, uploadId);
  }

  @Override
  public List<PendingUpload> listPendingUploads() {
    return delegate.listPendingUploads();
  }

  @Override
  public void put(String key, byte[] data, int length) {
    puts.incrementAndGet();
    delegate.put(key, data, length);
  }

  @Override
  public void putNew(String key, byte[] data, int length) {
    puts.incrementAndGet();
    delegate.putNew(key, data, length);
  }

  @Override
  public InputStream get(String key) {
    return delegate.get(key);
  }

  @Override
  public Optional<BlobInfo> stat(String key) {
    return delegate.stat(key);
  }

  @Override
  public void list(String prefix, java.util.function.Consumer<BlobInfo> each) {
    delegate.list(prefix, each);
  }

  @Override
  public void delete(String key) {
    if (failDeletes) {
      throw new UnavailableException("injected: the store refuses deletes", true, null);
    }
    delegate.delete(key);
  }

  @Override
  public String describe() {
    return delegate.describe();
  }
}
