package dev.ingest.blob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingest.core.InvalidInputException;
import dev.ingest.core.NotFoundException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link BlobStore} adapter must show. Subclasses supply the adapter. */
public abstract class BlobStoreContract {
  protected static final int PART = 5 * 1024 * 1024;

  protected BlobStore store;

  protected abstract BlobStore createStore() throws Exception;

  @BeforeEach
  void setUpStore() throws Exception {
    store = createStore();
  }

  protected static byte[] bytes(int size, long seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }

  protected static byte[] read(InputStream in) throws Exception {
    try (in) {
      return in.readAllBytes();
    }
  }

  private UploadedPart upload(String key, String uploadId, int n, byte[] data) {
    return store.uploadPart(key, uploadId, n, data, data.length, Checksums.crc32c(data, data.length));
  }

  @Test
  void aFreshStoreTakesPutsFromManyThreadsAtOnce() throws Exception {
    // why: a batch upload's first files reach a fresh store together, while an S3 store is still learning
    // which checksum headers the server takes; each must land whole whichever call learns it.
    for (int round = 0; round < 5; round++) {
      BlobStore fresh = createStore();
      int threads = 8;
      java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(threads);
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
      try {
        List<java.util.concurrent.Future<byte[]>> puts = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          String key = "objects/race-" + round + "-" + i;
          // why: a body of 1 MiB is still being sent when a server that refuses its checksum header hangs up,
          // which the client sees as a broken pipe, not as the refusal a small body gets
          byte[] data =
              i % 4 == 1
                  ? bytes(1024 * 1024, round * threads + i)
                  : ("object " + key + " ").repeat(2000).getBytes(java.nio.charset.StandardCharsets.UTF_8);
          boolean newKey = i % 2 == 0; // new files' objects (putNew), into a folder that may not exist yet
          long stagger = i * 1_000_000L; // 0-7 ms apart: some arrive while the first call is still out, some with it
          puts.add(pool.submit(() -> {
            together.await(10, java.util.concurrent.TimeUnit.SECONDS);
            java.util.concurrent.locks.LockSupport.parkNanos(stagger);
            if (newKey) {
              fresh.putNew(key, data, data.length);
            } else {
              fresh.put(key, data, data.length);
            }
            return data;
          }));
        }
        for (int i = 0; i < threads; i++) {
          byte[] data = puts.get(i).get(60, java.util.concurrent.TimeUnit.SECONDS);
          assertArrayEquals(data, read(fresh.get("objects/race-" + round + "-" + i)));
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /** The object reads back as {@code data} and its size is theirs. */
  private void assertStored(String key, byte[] data) throws Exception {
    assertArrayEquals(data, read(store.get(key)));
    assertEquals(data.length, store.stat(key).orElseThrow().size());
  }

  @Test
  void putThenGetReturnsTheSameBytes() throws Exception {
    byte[] data = bytes(1000, 1);
    store.put("objects/a", data, data.length);
    assertStored("objects/a", data);
  }

  @Test
  void putNewStoresAnObjectUnderANewKeyInAFolderNotYetMade() throws Exception {
    byte[] data = bytes(3000, 2);
    store.putNew("fresh-folder/n1", data, data.length);
    assertStored("fresh-folder/n1", data);
    store.putNew("fresh-folder/n2", new byte[0], 0);
    assertStored("fresh-folder/n2", new byte[0]);
  }

  @Test
  void putNewOnAKeyWrittenBeforeReplacesItWhole() throws Exception {
    // why: a tus upload's last PATCH retried after a crash between storing the object and recording it, or a
    // crash that left part of an object under its key
    byte[] first = bytes(5000, 3);
    store.putNew("objects/retried", first, 1200);
    byte[] second = bytes(4000, 4);
    store.putNew("objects/retried", second, second.length);
    assertStored("objects/retried", second);
  }

  @Test
  void missingObjectIsNotFound() {
    assertThrows(NotFoundException.class, () -> read(store.get("objects/missing")));
    assertTrue(store.stat("objects/missing").isEmpty());
  }

  @Test
  void deleteRemovesTheObjectAndIgnoresMissingOnes() {
    store.put("objects/d", new byte[] {1, 2}, 2);
    store.delete("objects/d");
    assertTrue(store.stat("objects/d").isEmpty());
    store.delete("objects/d");
  }

  @Test
  void listingAFolderHandsOverItsObjectsWithTheirSizesAndNothingUnfinished() {
    store.put("objects/l1", new byte[] {1}, 1);
    store.put("objects/l2", new byte[] {1, 2, 3}, 3);
    store.put("results/job_l/text", new byte[] {1, 2}, 2);
    store.createMultipart("objects/l3", PART); // started, never completed: not an object

    List<dev.ingest.blob.BlobInfo> listed = new ArrayList<>();
    store.list("objects/", listed::add);
    listed.sort(java.util.Comparator.comparing(dev.ingest.blob.BlobInfo::key));
    assertEquals(List.of("objects/l1", "objects/l2"), listed.stream().map(dev.ingest.blob.BlobInfo::key).toList());
    assertEquals(List.of(1L, 3L), listed.stream().map(dev.ingest.blob.BlobInfo::size).toList());
    assertTrue(listed.stream().allMatch(i -> i.lastModified() != null));
    List<String> none = new ArrayList<>();
    store.list("nothing-here/", i -> none.add(i.key()));
    assertEquals(List.of(), none);
  }

  @Test
  void multipartUploadAssemblesPartsInOrderAndOnlyAppearsWhenComplete() throws Exception {
    byte[] p1 = bytes(PART, 1);
    byte[] p2 = bytes(PART, 2);
    byte[] p3 = bytes(1234, 3);
    String id = store.createMultipart("objects/big", PART);
    List<UploadedPart> parts = new ArrayList<>();
    parts.add(upload("objects/big", id, 2, p2));
    parts.add(0, upload("objects/big", id, 1, p1));
    parts.add(upload("objects/big", id, 3, p3));
    assertTrue(store.stat("objects/big").isEmpty(), "visible before completion");

    store.completeMultipart("objects/big", id, parts);
    byte[] all = read(store.get("objects/big"));
    assertEquals(2 * PART + 1234, all.length);
    assertArrayEquals(p1, java.util.Arrays.copyOfRange(all, 0, PART));
    assertArrayEquals(p2, java.util.Arrays.copyOfRange(all, PART, 2 * PART));
    assertArrayEquals(p3, java.util.Arrays.copyOfRange(all, 2 * PART, all.length));
    assertThrows(NotFoundException.class, () -> store.listParts("objects/big", id));
  }

  @Test
  void listPartsShowsWhatAnInterruptedUploadAlreadySent() {
    byte[] p1 = bytes(PART, 4);
    byte[] p2 = bytes(PART, 5);
    String id = store.createMultipart("objects/resume", PART);
    UploadedPart first = upload("objects/resume", id, 1, p1);
    UploadedPart second = upload("objects/resume", id, 2, p2);
    List<UploadedPart> listed = store.listParts("objects/resume", id);
    assertEquals(List.of(1, 2), listed.stream().map(UploadedPart::number).toList());
    assertEquals(first.etag(), listed.get(0).etag());
    assertTrue(listed.get(1).checksum() == null || listed.get(1).checksum().equals(second.checksum()));
    assertEquals(second.etag(), listed.get(1).etag());
    assertEquals(PART, listed.get(0).size());
  }

  @Test
  void resendingAPartReplacesIt() throws Exception {
    String id = store.createMultipart("objects/again", PART);
    upload("objects/again", id, 1, bytes(PART, 6));
    UploadedPart replaced = upload("objects/again", id, 1, bytes(100, 7));
    assertEquals(1, store.listParts("objects/again", id).size());
    store.completeMultipart("objects/again", id, List.of(replaced));
    assertArrayEquals(bytes(100, 7), read(store.get("objects/again")));
  }

  @Test
  void abortedUploadLeavesNothingBehind() {
    String id = store.createMultipart("objects/gone", PART);
    upload("objects/gone", id, 1, bytes(PART, 8));
    assertTrue(store.listPendingUploads().stream().anyMatch(u -> u.uploadId().equals(id)));
    store.abortMultipart("objects/gone", id);
    assertThrows(NotFoundException.class, () -> store.listParts("objects/gone", id));
    assertTrue(store.listPendingUploads().stream().noneMatch(u -> u.uploadId().equals(id)));
    assertTrue(store.stat("objects/gone").isEmpty());
  }

  @Test
  void partWithAWrongChecksumIsRejected() {
    String id = store.createMultipart("objects/corrupt", PART);
    byte[] data = bytes(1000, 9);
    String wrong = Checksums.crc32c(bytes(1000, 10), 1000);
    // why: a part that does not match its checksum is corrupt input, not a store that is down: never retried.
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> store.uploadPart("objects/corrupt", id, 1, data, data.length, wrong));
    assertFalse(e.retryable());
    assertTrue(store.listParts("objects/corrupt", id).isEmpty(), "the corrupt part is not kept");
  }

  @Test
  void unsafeKeysAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> store.put("../escape", new byte[1], 1));
    assertThrows(IllegalArgumentException.class, () -> store.put("/etc/passwd", new byte[1], 1));
    assertThrows(IllegalArgumentException.class, () -> store.put("objects/a/../../b", new byte[1], 1));
    assertThrows(IllegalArgumentException.class, () -> store.putNew("../escape", new byte[1], 1));
  }
}
