package dev.ingest.upload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import dev.ingest.blob.local.LocalBlobStore;
import dev.ingest.core.RetryPolicy;
import dev.ingest.core.SettableClock;
import dev.ingest.core.UnavailableException;
import dev.ingest.files.sql.SqlFileCatalog;
import dev.ingest.queue.sql.Database;
import dev.ingest.queue.sql.SqlJobQueue;
import dev.ingest.upload.sql.SqlUploadSessions;
import java.io.InputStream;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local store on a disk that fills up (an in-memory file system of 24 MiB): an upload fails as unavailable
 * (exit 4), registers nothing, leaves no half-written copy in staging, and goes on once space is freed.
 */
class FullDiskTest {
  private static final long MIB = 1024 * 1024;

  @TempDir Path dir;
  private FileSystem disk;
  private Path ballast;
  private Database db;
  private LocalBlobStore store;
  private UploadService uploads;

  @BeforeEach
  void setUp() {
    disk = Jimfs.newFileSystem(Configuration.unix().toBuilder().setMaxSize(24 * MIB).build());
    ballast = disk.getPath("/ballast");
    db = Database.open("sqlite:" + dir.resolve("ingest.db"), 4);
    SettableClock clock = new SettableClock();
    store = new LocalBlobStore(disk.getPath("/store"));
    uploads = new UploadService(
        store, new SqlFileCatalog(db), new SqlUploadSessions(db), new SqlJobQueue(db, clock, RetryPolicy.DEFAULT),
        ContentTypeDetector.UNKNOWN, clock);
  }

  @AfterEach
  void tearDown() throws Exception {
    db.close();
    disk.close();
  }

  /** Fills the disk but for {@code free} bytes, with a file the test deletes to free space. */
  private void leaveFree(long free) throws Exception {
    Files.write(ballast, new byte[(int) (24 * MIB - free)]);
  }

  private Path file(String name, long size, long seed) throws Exception {
    byte[] data = new byte[(int) size];
    new Random(seed).nextBytes(data);
    return Files.write(dir.resolve(name), data);
  }

  private int count(String table) {
    return db.withHandle(h -> h.createQuery("SELECT count(*) FROM " + table).mapTo(Integer.class).one());
  }

  private List<Path> staged() throws Exception {
    try (Stream<Path> all = Files.list(disk.getPath("/store/.staging"))) {
      return all.toList();
    }
  }

  private List<Path> objects() throws Exception {
    Path objects = disk.getPath("/store/objects");
    if (!Files.exists(objects)) {
      return List.of();
    }
    try (Stream<Path> all = Files.list(objects)) {
      return all.toList();
    }
  }

  private void assertStoredExactly(UploadOutcome out, Path file) throws Exception {
    try (InputStream in = store.get(out.file().blobKey())) {
      assertArrayEquals(Files.readAllBytes(file), in.readAllBytes());
    }
  }

  @Test
  void aSmallFileThatDoesNotFitFailsAsUnavailableAndLeavesNoHalfWrittenCopy() throws Exception {
    leaveFree(MIB);
    Path small = file("small.bin", 2 * MIB, 1);

    UnavailableException e =
        assertThrows(UnavailableException.class, () -> uploads.upload(small, UploadRequest.defaults(), UploadListener.NONE));
    assertTrue(e.getMessage().contains("space"), e.getMessage());
    assertEquals(0, count("files"), "nothing registered");
    assertEquals(0, count("jobs"), "nothing enqueued");
    assertEquals(List.of(), staged(), "no half-written copy in staging");
    assertEquals(List.of(), objects(), "no truncated object either");

    Files.delete(ballast);
    UploadOutcome out = uploads.upload(small, UploadRequest.defaults(), UploadListener.NONE);
    assertStoredExactly(out, small);
    assertEquals(1, count("jobs"));
  }

  @Test
  void aLargeFileThatFillsTheDiskMidwayKeepsItsPartsAndTheNextRunSendsOnlyTheRest() throws Exception {
    leaveFree(12 * MIB);
    Path large = file("large.bin", 20 * MIB, 2);
    UploadRequest request = new UploadRequest("auto", "default", 0, null, 3, Map.of(), 5 * MIB, 1, false);

    UnavailableException e =
        assertThrows(UnavailableException.class, () -> uploads.upload(large, request, UploadListener.NONE));
    assertTrue(e.getMessage().contains("space"), e.getMessage());
    assertEquals(0, count("files"), "nothing registered");
    assertEquals(0, count("jobs"), "nothing enqueued");
    assertEquals(1, store.listPendingUploads().size(), "the upload is kept for the next run");
    int partsKept = store.listParts(store.listPendingUploads().get(0).key(), store.listPendingUploads().get(0).uploadId()).size();
    assertEquals(2, partsKept, "the parts that fitted, each whole with its marker");

    Files.delete(ballast);
    UploadOutcome out = uploads.upload(large, request, UploadListener.NONE);
    assertEquals(10 * MIB, out.bytesSent(), "only the two parts that did not fit were sent again");
    assertStoredExactly(out, large);
    assertEquals(1, count("jobs"));
    assertEquals(List.of(), store.listPendingUploads(), "nothing left open or staged");
    assertEquals(List.of(), staged());
  }
}
