package dev.ingest.upload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingest.blob.local.LocalBlobStore;
import dev.ingest.core.UnavailableException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartWriterTest {
  static final int MIB = 1024 * 1024;
  static final long PART = 5L * MIB;

  @TempDir Path dir;

  private byte[] stored(LocalBlobStore store, String key) throws Exception {
    try (InputStream in = store.get(key)) {
      return in.readAllBytes();
    }
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  @Test
  void anObjectSmallerThanAPartIsOnePutAndALargerOneIsAMultipartUpload() throws Exception {
    LocalBlobStore store = new LocalBlobStore(dir);
    byte[] small = bytes(1000);
    PartWriter w = new PartWriter(store, "objects/small", PART, BufferBudget.UNLIMITED);
    w.write(small, 0, small.length);
    w.finish(List.of());
    assertEquals(null, w.uploadId());
    assertArrayEquals(small, stored(store, "objects/small"));

    byte[] large = bytes(12 * MIB + 7);
    PartWriter big = new PartWriter(store, "objects/large", PART, BufferBudget.UNLIMITED);
    for (int at = 0; at < large.length; at += 100_000) {
      big.write(large, at, Math.min(100_000, large.length - at));
    }
    big.finish(List.of());
    assertEquals(3, big.added().size(), "two whole parts went as the bytes came, the rest as the last");
    assertArrayEquals(large, stored(store, "objects/large"));
    assertTrue(store.listPendingUploads().isEmpty());
  }

  @Test
  void aSecondWriterContinuesFromTheStoredPartsAndTheTailSetAside() throws Exception {
    LocalBlobStore store = new LocalBlobStore(dir);
    byte[] file = bytes(13 * MIB);
    PartWriter first = new PartWriter(store, "objects/f", PART, BufferBudget.UNLIMITED);
    first.write(file, 0, 7 * MIB);
    first.flushWholeParts();
    byte[] tail = Arrays.copyOf(first.tail(), first.filled());
    assertEquals(2 * MIB, tail.length);
    PartWriter second =
        new PartWriter(store, "objects/f", PART, first.uploadId(), first.added().size(), BufferBudget.UNLIMITED, null, null);
    second.prefill(new ByteArrayInputStream(tail), tail.length);
    second.write(file, 7 * MIB, 6 * MIB);
    second.finish(first.added());
    assertArrayEquals(file, stored(store, "objects/f"));
  }

  @Test
  void partsSentFromAnotherThreadMakeTheSameObjectAndDigestInOrder() throws Exception {
    LocalBlobStore store = new LocalBlobStore(dir);
    byte[] file = bytes(23 * MIB + 5);
    java.util.concurrent.ExecutorService sender = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      PartWriter w = new PartWriter(store, "objects/async", PART, null, 0, BufferBudget.UNLIMITED, sender, sha);
      for (int at = 0; at < file.length; at += 333_333) {
        w.write(file, at, Math.min(333_333, file.length - at));
      }
      w.finish(List.of());
      w.release();
      assertArrayEquals(file, stored(store, "objects/async"));
      assertArrayEquals(java.security.MessageDigest.getInstance("SHA-256").digest(file), sha.digest());
      assertEquals(5, w.added().size());
    } finally {
      sender.shutdown();
    }
  }

  @Test
  void writersWaitForTheBudgetAndGiveUpWhenItStaysTaken() throws Exception {
    LocalBlobStore store = new LocalBlobStore(dir);
    BufferBudget budget = new BufferBudget(PART, Duration.ofMillis(200));
    PartWriter holder = new PartWriter(store, "objects/a", PART, budget);
    holder.write(bytes(MIB), 0, MIB);
    PartWriter small = new PartWriter(store, "objects/b", PART, budget);
    small.write(bytes(1000), 0, 1000); // a small buffer needs no budget
    PartWriter waiting = new PartWriter(store, "objects/c", PART, budget);
    assertThrows(UnavailableException.class, () -> waiting.write(bytes(MIB), 0, MIB));
    holder.release();
    waiting.write(bytes(MIB), 0, MIB);
    waiting.finish(List.of());
    waiting.release();
  }
}
