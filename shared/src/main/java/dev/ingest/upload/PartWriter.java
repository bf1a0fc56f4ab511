package dev.ingest.upload;

import dev.ingest.blob.BlobStore;
import dev.ingest.blob.Checksums;
import dev.ingest.blob.UploadedPart;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes bytes that arrive in order (a request body) into the store as one object, a part at a time: memory
 * is one part buffer, grown as bytes come so a small upload holds a small one. The store's multipart upload
 * starts with the first whole part; an object smaller than a part is stored with one put. Can continue an
 * upload begun earlier: its multipart upload id, the number of whole parts already stored and the bytes short
 * of a part (the tail) that were set aside.
 */
public final class PartWriter {
  private static final int INITIAL_BUFFER = 64 * 1024;

  private final BlobStore store;
  private final String key;
  private final int partSize;
  private String uploadId;
  private int nextPart;
  private final List<UploadedPart> added = new ArrayList<>();
  private final BufferBudget budget;
  private boolean holdsBudget;
  private byte[] buffer = new byte[0];
  private int filled;
  private long written;

  /** A fresh object. */
  public PartWriter(BlobStore store, String key, long partSize, BufferBudget budget) {
    this(store, key, partSize, null, 0, budget);
  }

  /**
   * Continues an object of which {@code partsStored} whole parts are in the store; bytes short of a part that
   * were set aside go in with {@link #prefill}. A buffer larger than a small one takes a part's worth of
   * {@code budget} until {@link #release}.
   */
  public PartWriter(BlobStore store, String key, long partSize, String uploadId, int partsStored, BufferBudget budget) {
    this.store = store;
    this.key = key;
    this.partSize = Math.toIntExact(partSize);
    this.uploadId = uploadId;
    this.nextPart = partsStored + 1;
    this.budget = budget;
  }

  /** Reads the {@code size} bytes set aside by an earlier writer of this object, before any new byte. */
  public void prefill(java.io.InputStream in, int size) throws java.io.IOException {
    ensureRoom(size);
    int n = in.readNBytes(buffer, 0, size);
    if (n != size || in.read() >= 0) {
      throw new IllegalStateException("the bytes set aside for " + key + " are not " + size + " long");
    }
    filled = size;
  }

  /** Gives back the buffer's share of the budget; the writer must not be used after. */
  public void release() {
    if (holdsBudget) {
      holdsBudget = false;
      budget.release(partSize);
    }
    buffer = new byte[0];
  }

  /** Buffers the bytes; each time a whole part is buffered, it goes to the store. */
  public void write(byte[] data, int offset, int length) {
    while (length > 0) {
      if (filled == partSize) {
        flushPart();
      }
      ensureRoom(Math.min(partSize, filled + length));
      int n = Math.min(length, partSize - filled);
      System.arraycopy(data, offset, buffer, filled, n);
      filled += n;
      offset += n;
      length -= n;
      written += n;
    }
  }

  /**
   * Room for {@code bytes} in the buffer, without copying the bytes in: the caller reads into
   * {@link #buffer()} from {@link #filled()} and calls {@link #advance}. Saves a copy of every byte.
   */
  public int reserve(int wanted) {
    if (filled == partSize) {
      flushPart();
    }
    int room = Math.min(wanted, partSize - filled);
    ensureRoom(filled + room);
    return room;
  }

  public byte[] buffer() {
    return buffer;
  }

  public int filled() {
    return filled;
  }

  /** Counts {@code n} bytes the caller put into the buffer after {@link #reserve}. */
  public void advance(int n) {
    filled += n;
    written += n;
  }

  private void ensureRoom(int needed) {
    if (buffer.length >= needed) {
      return;
    }
    if (needed > INITIAL_BUFFER && !holdsBudget) {
      budget.acquire(partSize);
      holdsBudget = true;
    }
    int size = Math.max(needed, Math.min(partSize, Math.max(INITIAL_BUFFER, buffer.length * 2)));
    buffer = java.util.Arrays.copyOf(buffer, size);
  }

  private void flushPart() {
    if (uploadId == null) {
      uploadId = store.createMultipart(key, partSize);
    }
    added.add(store.uploadPart(key, uploadId, nextPart, buffer, filled, Checksums.crc32c(buffer, filled)));
    nextPart++;
    filled = 0;
  }

  /** Sends whatever whole part is buffered, so only bytes short of a part remain in {@link #tail()}. */
  public void flushWholeParts() {
    if (filled == partSize) {
      flushPart();
    }
  }

  /**
   * Completes the object from the parts stored before ({@code earlier}), the ones this writer added and what
   * is buffered.
   */
  public void finish(List<UploadedPart> earlier) {
    if (uploadId == null) {
      store.put(key, buffer, filled);
      return;
    }
    if (filled > 0) {
      flushPart();
    }
    List<UploadedPart> all = new ArrayList<>(earlier);
    all.addAll(added);
    store.completeMultipart(key, uploadId, all);
  }

  /** Drops what this writer stored: its multipart upload, or nothing when it had not started one. */
  public void abort() {
    if (uploadId != null) {
      store.abortMultipart(key, uploadId);
    }
  }

  /** The parts this writer stored. */
  public List<UploadedPart> added() {
    return List.copyOf(added);
  }

  public String uploadId() {
    return uploadId;
  }

  /** Bytes passed to this writer. */
  public long written() {
    return written;
  }

  /** The buffered bytes short of a whole part (valid up to {@link #filled()}). */
  public byte[] tail() {
    return buffer;
  }
}
