package dev.ingest.upload;

import dev.ingest.blob.BlobStore;
import dev.ingest.blob.Checksums;
import dev.ingest.blob.UploadedPart;
import dev.ingest.core.IngestException;
import dev.ingest.core.UnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;

/**
 * Writes bytes that arrive in order (a request body) into the store as one object, a part at a time. The
 * store's multipart upload starts with the first whole part; an object smaller than a part is stored with
 * one put. Can continue an upload begun earlier: its multipart upload id, the number of whole parts already
 * stored and the bytes short of a part that were set aside ({@link #prefill}).
 *
 * <p>With a {@code sender}, a whole part goes to the store (checksummed, hashed into {@code sha256}, written)
 * on the sender's thread while the caller fills the next one: the reading of a request and the writing of
 * its parts overlap, at the cost of a second buffer. At most one part is in flight, so parts are hashed and
 * sent in order. Memory: the buffers grow as bytes come, so a small upload holds a small one; a buffer past
 * 64 KiB takes a part's worth of the {@link BufferBudget} until {@link #release}.
 */
public final class PartWriter {
  private static final int INITIAL_BUFFER = 64 * 1024;

  private final BlobStore store;
  private final String key;
  private final int partSize;
  private final int partsBefore;
  private final BufferBudget budget;
  private final Executor sender;
  private final MessageDigest sha256;
  private String uploadId;
  private int nextPart;
  private final List<UploadedPart> added = new ArrayList<>();
  private int budgetHeld;
  private byte[] buffer = new byte[0];
  private byte[] spare;
  private int filled;
  private long written;
  private FutureTask<UploadedPart> inFlight;
  private byte[] inFlightBuffer;
  private Stored onStored = (part, count) -> {};

  /** Hears of each part as the store acknowledges it. */
  @FunctionalInterface
  public interface Stored {
    /** {@code part} is stored; it makes {@code count} parts this writer has stored. */
    void stored(UploadedPart part, int count);
  }

  /** A fresh object, written from the caller's thread, not hashed. */
  public PartWriter(BlobStore store, String key, long partSize, BufferBudget budget) {
    this(store, key, partSize, null, 0, budget, null, null);
  }

  /**
   * Continues (or starts, with {@code partsStored} 0 and no upload id) an object of which {@code partsStored}
   * whole parts are in the store. {@code sha256}, when given, is fed every byte of every part this writer
   * sends, in order, and the last bytes at {@link #finish}: it must hold the digest of the parts before.
   * {@code sender} null sends parts from the caller's thread.
   */
  public PartWriter(
      BlobStore store, String key, long partSize, String uploadId, int partsStored, BufferBudget budget, Executor sender,
      MessageDigest sha256) {
    this.store = store;
    this.key = key;
    this.partSize = Math.toIntExact(partSize);
    this.uploadId = uploadId;
    this.partsBefore = partsStored;
    this.nextPart = partsStored + 1;
    this.budget = budget;
    this.sender = sender;
    this.sha256 = sha256;
  }

  /**
   * Calls {@code listener} each time a part is stored, on the thread that stored it (the sender's, when there
   * is one), before the writer moves on; a listener that throws fails the write.
   */
  public PartWriter onStored(Stored listener) {
    this.onStored = listener;
    return this;
  }

  /** Reads the {@code size} bytes set aside by an earlier writer of this object, before any new byte. */
  public void prefill(InputStream in, int size) throws IOException {
    ensureRoom(size);
    int n = in.readNBytes(buffer, 0, size);
    if (n != size || in.read() >= 0) {
      throw new IllegalStateException("the bytes set aside for " + key + " are not " + size + " long");
    }
    filled = size;
  }

  /** Buffers the bytes; each time a whole part is buffered, it goes to the store. */
  public void write(byte[] data, int offset, int length) {
    while (length > 0) {
      int room = reserve(length);
      System.arraycopy(data, offset, buffer, filled, room);
      advance(room);
      offset += room;
      length -= room;
    }
  }

  /**
   * Room for up to {@code wanted} bytes in the buffer, without copying them in: the caller puts them into
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

  /** Whether the buffer holds the object from its first byte (no part has left it yet). */
  public boolean bufferStartsTheObject() {
    return nextPart == 1;
  }

  private void ensureRoom(int needed) {
    if (buffer.length >= needed) {
      return;
    }
    if (needed > INITIAL_BUFFER && budgetHeld == 0) {
      take();
    }
    int size = Math.max(needed, Math.min(partSize, Math.max(INITIAL_BUFFER, buffer.length * 2)));
    buffer = java.util.Arrays.copyOf(buffer, size);
  }

  private void take() {
    budget.acquire(partSize);
    budgetHeld++;
  }

  private void flushPart() {
    collect(true);
    if (uploadId == null) {
      uploadId = store.createMultipart(key, partSize);
    }
    byte[] part = buffer;
    int length = filled;
    int number = nextPart++;
    FutureTask<UploadedPart> task = new FutureTask<>(() -> send(number, part, length, number - partsBefore));
    if (sender == null) {
      task.run();
      added.add(result(task));
      filled = 0;
      return;
    }
    inFlight = task;
    inFlightBuffer = part;
    sender.execute(task);
    if (spare == null) {
      take(); // why: the part in flight keeps its buffer; the next one fills another
      spare = new byte[partSize];
    }
    buffer = spare;
    spare = null;
    filled = 0;
  }

  private UploadedPart send(int number, byte[] part, int length, int count) {
    if (sha256 != null) {
      sha256.update(part, 0, length);
    }
    // why: durable later, in one sync per batch of parts (syncUpload) or when the object is completed.
    UploadedPart stored = store.uploadPartUnsynced(key, uploadId, number, part, length, Checksums.crc32c(part, length));
    onStored.stored(stored, count);
    return stored;
  }

  /** Takes the part in flight into {@link #added} once it is stored; waits for it when {@code wait}. */
  private void collect(boolean wait) {
    if (inFlight == null || (!wait && !inFlight.isDone())) {
      return;
    }
    FutureTask<UploadedPart> task = inFlight;
    inFlight = null;
    spare = inFlightBuffer;
    inFlightBuffer = null;
    added.add(result(task));
  }

  private static UploadedPart result(FutureTask<UploadedPart> task) {
    try {
      return task.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IngestException) {
        throw (IngestException) e.getCause();
      }
      throw new UnavailableException("storing a part failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted while storing a part", e);
    }
  }

  /**
   * Sends whatever whole part is buffered and waits until every part sent is stored, so that
   * {@link #added} is complete and only bytes short of a part remain in {@link #tail()}.
   */
  public void flushWholeParts() {
    if (filled == partSize) {
      flushPart();
    }
    collect(true);
  }

  /**
   * Completes the object from the parts stored before ({@code earlier}), the ones this writer added and what
   * is buffered; the digest, if any, then covers the whole object.
   */
  public void finish(List<UploadedPart> earlier) {
    collect(true);
    if (uploadId == null) {
      if (sha256 != null) {
        sha256.update(buffer, 0, filled);
      }
      store.putNew(key, buffer, filled);
      return;
    }
    if (filled > 0) {
      flushPart();
      collect(true);
    }
    List<UploadedPart> all = new ArrayList<>(earlier);
    all.addAll(added);
    store.completeMultipart(key, uploadId, all);
  }

  /** Drops what this writer stored: its multipart upload, or nothing when it had not started one. */
  public void abort() {
    try {
      collect(true);
    } catch (RuntimeException e) {
      // the part in flight failed; the upload goes anyway
    }
    if (uploadId != null) {
      store.abortMultipart(key, uploadId);
    }
  }

  /** Waits for the part in flight, then gives back the budget; the writer must not be used after. */
  public void release() {
    try {
      collect(true);
    } catch (RuntimeException e) {
      // its failure was, or will be, reported by whoever waits for the writer
    }
    while (budgetHeld > 0) {
      budgetHeld--;
      budget.release(partSize);
    }
    buffer = new byte[0];
    spare = null;
  }

  /** The parts this writer stored so far (a part still in flight is not among them). */
  public List<UploadedPart> added() {
    collect(false);
    return List.copyOf(added);
  }

  public String uploadId() {
    return uploadId;
  }

  /** Makes the parts stored so far durable (see {@link BlobStore#syncUpload}). */
  public void sync() {
    if (uploadId != null) {
      store.syncUpload(key, uploadId);
    }
  }

  /** Bytes passed to this writer. */
  public long written() {
    return written;
  }

  /** The buffered bytes short of a whole part (valid up to {@link #filled()}). */
  public byte[] tail() {
    return buffer;
  }

  /** How many whole parts the object had before this writer. */
  public int partsBefore() {
    return partsBefore;
  }
}
