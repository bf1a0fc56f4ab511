package dev.ingest.blob.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingest.blob.BlobStore;
import dev.ingest.blob.BlobStoreContract;
import dev.ingest.blob.Checksums;
import dev.ingest.blob.UploadedPart;
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
    String id = store.createMultipart("objects/x");
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
    String id = store.createMultipart("objects/y");
    UploadedPart p = store.uploadPart("objects/y", id, 1, part, part.length, Checksums.crc32c(part, part.length));
    store.completeMultipart("objects/y", id, List.of(p));
    try (Stream<Path> files = Files.walk(dir)) {
      List<Path> leftovers = files.filter(Files::isRegularFile).filter(f -> !f.endsWith(Path.of("objects", "y"))).toList();
      assertTrue(leftovers.isEmpty(), "left behind: " + leftovers);
    }
  }
}
