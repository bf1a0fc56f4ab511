package dev.ingest.blob.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingest.blob.BlobStore;
import dev.ingest.blob.BlobStoreContract;
import dev.ingest.blob.Checksums;
import dev.ingest.blob.UploadedPart;
import dev.ingest.core.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalBlobStoreTest extends BlobStoreContract {
  @TempDir Path dir;

  @Override
  protected BlobStore createStore() {
    return new LocalBlobStore(dir);
  }

  @Test
  void aStoreOpenedAgainSeesTheUploadOfTheOneBefore() {
    byte[] part = bytes(PART, 11);
    String id = store.createMultipart("objects/x", PART);
    store.uploadPart("objects/x", id, 1, part, part.length, Checksums.crc32c(part, part.length));
    LocalBlobStore reopened = new LocalBlobStore(dir);
    List<UploadedPart> parts = reopened.listParts("objects/x", id);
    assertEquals(1, parts.size());
    reopened.completeMultipart("objects/x", id, parts);
    assertEquals(PART, reopened.stat("objects/x").orElseThrow().size());
  }

  @Test
  void completionLeavesNoTemporaryFilesBeside() throws Exception {
    byte[] part = bytes(1000, 12);
    String id = store.createMultipart("objects/y", PART);
    UploadedPart p = store.uploadPart("objects/y", id, 1, part, part.length, Checksums.crc32c(part, part.length));
    store.completeMultipart("objects/y", id, List.of(p));
    try (Stream<Path> files = Files.walk(dir)) {
      List<Path> leftovers = files.filter(Files::isRegularFile).filter(f -> !f.endsWith(Path.of("objects", "y"))).toList();
      assertTrue(leftovers.isEmpty(), "left behind: " + leftovers);
    }
  }

  @Test
  void partsMustFitThePartSizeAndOnlyTheLastMayBeShorter() {
    String id = store.createMultipart("objects/z", 1000);
    byte[] big = bytes(1001, 13);
    assertThrows(dev.ingest.core.InvalidInputException.class,
        () -> store.uploadPart("objects/z", id, 1, big, big.length, Checksums.crc32c(big, big.length)));
    byte[] shortPart = bytes(10, 14);
    UploadedPart first = store.uploadPart("objects/z", id, 1, shortPart, 10, Checksums.crc32c(shortPart, 10));
    UploadedPart second = store.uploadPart("objects/z", id, 2, shortPart, 10, Checksums.crc32c(shortPart, 10));
    assertThrows(dev.ingest.core.InvalidInputException.class, () -> store.completeMultipart("objects/z", id, List.of(first, second)));
  }

  @Test
  void anUploadStagedByAnOlderLayoutIsUnknownSoItStartsAgain() throws Exception {
    String id = store.createMultipart("objects/old", PART);
    Files.delete(dir.resolve(".staging").resolve(id).resolve("part-size"));
    assertThrows(dev.ingest.core.NotFoundException.class, () -> store.listParts("objects/old", id));
  }

  @Test
  void partsCopiedFromAFileRegionLandInTheirPlace() throws Exception {
    byte[] content = bytes(2500, 15);
    Path source = Files.write(dir.resolve("source.bin"), content);
    String id = store.createMultipart("objects/f", 1000);
    LocalBlobStore local = (LocalBlobStore) store;
    List<UploadedPart> parts = new java.util.ArrayList<>();
    for (int n : new int[] {3, 1, 2}) {
      int offset = (n - 1) * 1000;
      int length = Math.min(1000, content.length - offset);
      byte[] region = java.util.Arrays.copyOfRange(content, offset, offset + length);
      parts.add(local.uploadPartFromFile("objects/f", id, n, source, offset, length, Checksums.crc32c(region, length)));
    }
    parts.sort(java.util.Comparator.comparingInt(UploadedPart::number));
    assertEquals(parts, store.listParts("objects/f", id));
    store.completeMultipart("objects/f", id, parts);
    try (java.io.InputStream in = store.get("objects/f")) {
      org.junit.jupiter.api.Assertions.assertArrayEquals(content, in.readAllBytes());
    }
  }

  @Test
  void aFileRegionRewrittenAfterItWasHashedIsRefusedAndLeavesNoPart() throws Exception {
    byte[] read = bytes(1000, 16);
    String checksumOfWhatWasRead = Checksums.crc32c(read, read.length);
    byte[] rewritten = read.clone();
    rewritten[500] ^= 1; // one bit changed in place after the upload read and hashed the file
    Path source = Files.write(dir.resolve("rewritten.bin"), rewritten);
    String id = store.createMultipart("objects/r", 1000);

    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> ((LocalBlobStore) store).uploadPartFromFile("objects/r", id, 1, source, 0, 1000, checksumOfWhatWasRead));
    assertTrue(e.getMessage().contains("changed while it was being uploaded"), e.getMessage());
    assertEquals(List.of(), store.listParts("objects/r", id), "no part recorded, so a resume sends it again");
  }

  @Test
  void whatAProcessKilledMidPutOrMidCreateLeftIsListedAsPendingForCleanupAndAbortRemovesIt() throws Exception {
    Path staging = dir.resolve(".staging");
    Files.writeString(staging.resolve("put_killed.tmp"), "half an object");
    Files.createDirectories(staging.resolve("up_killed")).resolve("data").toFile().createNewFile();

    List<String> pending = store.listPendingUploads().stream().map(u -> u.uploadId()).sorted().toList();
    assertEquals(List.of("put_killed.tmp", "up_killed"), pending);
    for (var u : store.listPendingUploads()) {
      store.abortMultipart(u.key(), u.uploadId());
    }
    try (Stream<Path> left = Files.list(staging)) {
      assertEquals(List.of(), left.toList());
    }
  }
}
