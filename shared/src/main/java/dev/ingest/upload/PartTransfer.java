package dev.ingest.upload;

import dev.ingest.blob.BlobStore;
import dev.ingest.blob.Checksums;
import dev.ingest.blob.UploadedPart;
import dev.ingest.core.IngestException;
import dev.ingest.core.InvalidInputException;
import dev.ingest.core.UnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Sends a file's parts: one thread reads the file in order, hashing it whole (SHA-256) and each part
 * (CRC32C), and hands part buffers to {@code parallel} senders. Memory stays at (parallel + 1) part buffers
 * whatever the file's size. Parts the store already holds with a matching checksum are skipped.
 */
final class PartTransfer {
  record Result(String sha256, List<UploadedPart> parts, long bytesSent) {}

  private final BlobStore store;
  private final UploadSessions sessions;
  private final UploadSession session;
  private final int parallel;
  private final UploadListener listener;
  private final Throttle throttle;

  PartTransfer(
      BlobStore store, UploadSessions sessions, UploadSession session, int parallel, UploadListener listener,
      Throttle throttle) {
    this.throttle = throttle;
    this.store = store;
    this.sessions = sessions;
    this.session = session;
    this.parallel = parallel;
    this.listener = listener;
  }

  Result run(Path path, Map<Integer, UploadedPart> done) {
    long size = session.size();
    int partSize = Math.toIntExact(session.partSize());
    int count = PartSizer.partCount(size, partSize);
    int buffers = Math.min(parallel, count) + 1;
    BlockingQueue<byte[]> pool = new ArrayBlockingQueue<>(buffers);
    for (int i = 0; i < buffers; i++) {
      pool.add(new byte[partSize]);
    }
    MessageDigest sha = sha256Digest();
    UploadedPart[] parts = new UploadedPart[count];
    List<Future<?>> pending = new ArrayList<>();
    long[] sent = new long[1];
    ExecutorService senders = Executors.newFixedThreadPool(Math.min(parallel, count), daemonThreads());
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      for (int n = 1; n <= count; n++) {
        byte[] buffer = pool.take();
        int length = (int) Math.min(partSize, size - (long) (n - 1) * partSize);
        readFully(channel, buffer, length, (long) (n - 1) * partSize, path, throttle);
        sha.update(buffer, 0, length);
        String checksum = Checksums.crc32c(buffer, length);
        UploadedPart prior = done.get(n);
        if (prior != null && prior.size() == length && checksum.equals(prior.checksum())) {
          parts[n - 1] = prior;
          pool.put(buffer);
          listener.bytesDone(length);
          continue;
        }
        int number = n;
        if (store instanceof dev.ingest.blob.FileRegionUpload) {
          // why: the bytes are hashed; the store copies them file to file, so the buffer is free again now.
          pool.put(buffer);
          long offset = (long) (n - 1) * partSize;
          pending.add(senders.submit(() -> {
            UploadedPart part = ((dev.ingest.blob.FileRegionUpload) store)
                .uploadPartFromFile(session.blobKey(), session.uploadId(), number, path, offset, length, checksum);
            recordSent(part, length, parts, sent);
            return null;
          }));
          failFast(pending);
          continue;
        }
        pending.add(
            senders.submit(
                () -> {
                  try {
                    UploadedPart part =
                        store.uploadPart(session.blobKey(), session.uploadId(), number, buffer, length, checksum);
                    recordSent(part, length, parts, sent);
                  } finally {
                    pool.add(buffer);
                  }
                  return null;
                }));
        failFast(pending);
      }
      for (Future<?> f : pending) {
        f.get();
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IngestException) {
        throw (IngestException) cause;
      }
      throw new UnavailableException("upload of " + path + " failed: " + cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("upload of " + path + " was interrupted", e);
    } catch (IOException e) {
      throw new InvalidInputException("cannot read " + path + ": " + e.getMessage(), e);
    } finally {
      // why: parts already in flight are let finish, so a resumed upload need not send them again.
      senders.shutdown();
      try {
        senders.awaitTermination(5, java.util.concurrent.TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        senders.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    return new Result(HexFormat.of().formatHex(sha.digest()), List.of(parts), sent[0]);
  }

  private void recordSent(UploadedPart part, int length, UploadedPart[] parts, long[] sent) {
    sessions.recordPart(session.id(), part);
    parts[part.number() - 1] = part;
    synchronized (sent) {
      sent[0] += length;
    }
    listener.bytesDone(length);
  }

  private static void failFast(List<Future<?>> pending) throws ExecutionException, InterruptedException {
    for (Future<?> f : pending) {
      if (f.isDone()) {
        f.get();
      }
    }
  }

  /** Reads a small file whole and stores it with one put. */
  /** A one-part file's bytes, paced by the throttle; a size other than the one seen before means it changed. */
  static byte[] readWhole(Path path, long size, Throttle throttle) {
    try {
      throttle.acquireSliced(size);
      byte[] data = Files.readAllBytes(path);
      if (data.length != size) {
        throw new InvalidInputException(path + " changed while it was being uploaded; run the upload again");
      }
      return data;
    } catch (IOException e) {
      throw new InvalidInputException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  static String sha256(byte[] data) {
    return HexFormat.of().formatHex(sha256Digest().digest(data));
  }

  static String sha256(Path path) {
    MessageDigest sha = sha256Digest();
    byte[] buffer = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(path)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        sha.update(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new InvalidInputException("cannot read " + path + ": " + e.getMessage(), e);
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads one part, paced by the throttle: with {@code --limit-rate} the parts go out no faster than read. */
  private static void readFully(FileChannel channel, byte[] buffer, int length, long position, Path path, Throttle throttle)
      throws IOException {
    ByteBuffer target = ByteBuffer.wrap(buffer, 0, length);
    long at = position;
    while (target.hasRemaining()) {
      if (throttle != Throttle.NONE) {
        int slice = Math.min(Throttle.SLICE, target.remaining());
        throttle.acquire(slice);
        target.limit(target.position() + slice);
      }
      int n = channel.read(target, at);
      target.limit(length);
      if (n < 0) {
        throw new InvalidInputException(path + " shrank while it was being uploaded; run the upload again");
      }
      at += n;
    }
  }

  private static java.util.concurrent.ThreadFactory daemonThreads() {
    return r -> {
      Thread t = new Thread(r, "ingest-upload");
      t.setDaemon(true);
      return t;
    };
  }
}
