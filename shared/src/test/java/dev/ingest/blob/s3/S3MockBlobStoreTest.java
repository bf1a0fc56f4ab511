package dev.ingest.blob.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ingest.blob.Checksums;
import dev.ingest.core.NotFoundException;
import dev.ingest.testing.S3Servers;
import java.nio.file.Files;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The blob store contract against Adobe S3Mock, which pages ListParts and forgets aborted uploads. */
class S3MockBlobStoreTest extends S3ServerBlobStoreContract {
  @BeforeAll
  static void startServer() throws Exception {
    use(S3Servers.s3mock(Files.createTempDirectory("s3mock-test"), S3StoreFixture.BUCKET));
  }

  @Test
  void listPartsFollowsThePagesPast1000Parts() throws Exception {
    String id = store.createMultipart("objects/many", PART);
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<?>> sent = new ArrayList<>();
      for (int n = 1; n <= 1010; n++) {
        int number = n;
        byte[] data = ("part " + n).getBytes();
        sent.add(pool.submit(() -> store.uploadPart("objects/many", id, number, data, data.length, Checksums.crc32c(data, data.length))));
      }
      for (Future<?> f : sent) {
        f.get(2, java.util.concurrent.TimeUnit.MINUTES); // why: a hung upload fails this test, not the suite
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1010, store.listParts("objects/many", id).size());
    store.abortMultipart("objects/many", id);
    assertThrows(NotFoundException.class, () -> store.listParts("objects/many", id));
  }
}
