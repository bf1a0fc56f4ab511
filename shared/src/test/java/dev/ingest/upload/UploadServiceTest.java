package dev.ingest.upload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingest.blob.local.LocalBlobStore;
import dev.ingest.core.InvalidInputException;
import dev.ingest.core.JobStatus;
import dev.ingest.core.RetryPolicy;
import dev.ingest.core.SettableClock;
import dev.ingest.core.UnavailableException;
import dev.ingest.files.sql.SqlFileCatalog;
import dev.ingest.queue.sql.Database;
import dev.ingest.queue.sql.SqlJobQueue;
import dev.ingest.upload.sql.SqlUploadSessions;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UploadServiceTest {
  private static final long MIB = 1024 * 1024;

  @TempDir Path dir;
  private Database db;
  private CountingBlobStore store;
  private SqlJobQueue queue;
  private SqlUploadSessions sessions;
  private UploadService uploads;

  @BeforeEach
  void setUp() {
    db = Database.open("sqlite:" + dir.resolve("ingest.db"), 4);
    SettableClock clock = new SettableClock();
    store = new CountingBlobStore(new LocalBlobStore(dir.resolve("blobs")));
    queue = new SqlJobQueue(db, clock, RetryPolicy.DEFAULT);
    sessions = new SqlUploadSessions(db);
    uploads = new UploadService(store, new SqlFileCatalog(db), sessions, queue, ContentTypeDetector.UNKNOWN, clock);
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  private Path file(String name, long size, long seed) throws Exception {
    byte[] data = new byte[(int) size];
    new Random(seed).nextBytes(data);
    Path p = dir.resolve(name);
    Files.write(p, data);
    return p;
  }

  private static String sha256(Path p) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
  }

  private static UploadListener notesInto(List<String> notes) {
    return new UploadListener() {
      @Override
      public void note(String message) {
        notes.add(message);
      }
    };
  }

  private UploadRequest request() {
    return new UploadRequest("auto", "default", 0, null, 3, java.util.Map.of("team", "a"), 5 * MIB, 3, false);
  }

  @Test
  void aRateLimitPacesEveryByteOfSmallAndMultipartUploads() throws Exception {
    AtomicLong longestWait = new AtomicLong();
    List<Long> rates = new ArrayList<>();
    // why: time stands still, so the longest wait is how far the upload's bytes were paced ahead of now.
    uploads.throttles = rate -> {
      rates.add(rate);
      return new Throttle(rate, () -> 0L, nanos -> longestWait.accumulateAndGet(nanos, Math::max));
    };
    Path big = file("big.bin", 12 * MIB + 123, 7);
    UploadOutcome out = uploads.upload(big, request().withLimitRate(4 * MIB), UploadListener.NONE);
    assertEquals(List.of(4 * MIB), rates);
    assertEquals(3_000_000_000L, longestWait.get(), 1_000_000);
    assertEquals(sha256(big), out.file().sha256());
    try (InputStream in = store.get(out.file().blobKey())) {
      assertArrayEquals(Files.readAllBytes(big), in.readAllBytes(), "paced reads must not change a byte");
    }

    longestWait.set(0);
    Path small = file("small.bin", MIB, 8);
    uploads.upload(small, request().withLimitRate(2 * MIB), UploadListener.NONE);
    assertEquals(500_000_000L, longestWait.get(), 1_000_000);
  }

  @Test
  void smallFileIsStoredWholeAndGetsAQueuedJob() throws Exception {
    Path f = file("note.txt", 1000, 1);
    UploadOutcome out = uploads.upload(f, request(), UploadListener.NONE);
    assertEquals(sha256(f), out.file().sha256());
    assertEquals(1000, out.file().size());
    assertEquals("note.txt", out.file().name());
    assertEquals(JobStatus.QUEUED, out.job().status());
    assertEquals("a", queue.get(out.job().id()).meta().get("team"));
    assertFalse(out.deduplicated());
    try (InputStream in = store.get(out.file().blobKey())) {
      assertArrayEquals(Files.readAllBytes(f), in.readAllBytes());
    }
    assertTrue(out.file().blobKey().startsWith("objects/file_"), "key must not come from the file name");
  }

  @Test
  void largeFileGoesUpInPartsAndIsReassembledExactly() throws Exception {
    Path f = file("big.bin", 17 * MIB + 123, 2);
    AtomicLong acked = new AtomicLong();
    UploadOutcome out =
        uploads.upload(
            f,
            request(),
            new UploadListener() {
              @Override
              public void bytesDone(long bytes) {
                acked.addAndGet(bytes);
              }
            });
    assertEquals(4, store.partsSent.get());
    assertEquals(Files.size(f), acked.get());
    assertEquals(sha256(f), out.file().sha256());
    try (InputStream in = store.get(out.file().blobKey())) {
      assertArrayEquals(Files.readAllBytes(f), in.readAllBytes());
    }
    assertTrue(sessions.findByPath(f.toAbsolutePath().toString()).isEmpty(), "session is gone once complete");
  }

  @Test
  void identicalContentIsNotStoredTwiceNorReprocessedUnlessForced() throws Exception {
    Path a = file("a.bin", 6 * MIB, 3);
    Path b = dir.resolve("copy-of-a.bin");
    Files.copy(a, b);
    UploadOutcome first = uploads.upload(a, request(), UploadListener.NONE);
    int sentBefore = store.partsSent.get();

    UploadOutcome second = uploads.upload(b, request(), UploadListener.NONE);
    assertEquals(sentBefore, store.partsSent.get(), "identical content was sent again");
    assertEquals(0, second.bytesSent());
    assertEquals(first.file().id(), second.file().id());
    assertTrue(second.deduplicated());
    assertEquals(first.job().id(), second.job().id());

    UploadOutcome forced = uploads.upload(b, request().withForce(true), UploadListener.NONE);
    assertNotEquals(first.job().id(), forced.job().id());
    assertFalse(forced.deduplicated());

    UploadOutcome otherPipeline = uploads.upload(b, request().withPipeline("noop"), UploadListener.NONE);
    assertNotEquals(first.job().id(), otherPipeline.job().id());
  }

  @Test
  void interruptedUploadResumesAndSendsOnlyTheMissingParts() throws Exception {
    Path f = file("resume.bin", 30 * MIB, 4); // 6 parts of 5 MiB
    store.failingParts.add(5);
    UploadRequest serial =
        new UploadRequest("auto", "default", 0, null, 3, java.util.Map.of(), 5 * MIB, 1, false);
    assertThrows(UnavailableException.class, () -> uploads.upload(f, serial, UploadListener.NONE));
    int sentFirst = store.partsSent.get();
    assertTrue(sentFirst >= 4 && sentFirst <= 5, "parts 1-4 (and 6, already read) went up; sent " + sentFirst);
    assertTrue(sessions.findByPath(f.toAbsolutePath().toString()).isPresent(), "session kept for resume");

    store.failingParts.clear();
    List<String> notes = new ArrayList<>();
    UploadOutcome out =
        uploads.upload(
            f,
            serial,
            notesInto(notes));
    assertEquals(6, store.partsSent.get(), "every part went up exactly once over both runs");
    assertTrue(out.resumed());
    assertTrue(notes.isEmpty());
    assertEquals(sha256(f), out.file().sha256());
    try (InputStream in = store.get(out.file().blobKey())) {
      assertEquals(sha256(f), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes())));
    }
  }

  @Test
  void aPartWrittenWithoutItsMarkerIsSentAgainOnResume() throws Exception {
    Path f = file("marker.bin", 30 * MIB, 6); // 6 parts of 5 MiB
    store.failingParts.add(5);
    UploadRequest serial = new UploadRequest("auto", "default", 0, null, 3, java.util.Map.of(), 5 * MIB, 1, false);
    assertThrows(UnavailableException.class, () -> uploads.upload(f, serial, UploadListener.NONE));
    // why: a crash between writing a part's bytes and its marker leaves the bytes without the marker
    Path marker;
    try (var walk = Files.walk(dir.resolve("blobs/.staging"))) {
      marker = walk.filter(p -> p.getFileName().toString().startsWith("00002")).findFirst().orElseThrow();
    }
    Files.delete(marker);
    int sentFirst = store.partsSent.get();

    store.failingParts.clear();
    UploadOutcome out = uploads.upload(f, serial, UploadListener.NONE);
    assertTrue(out.resumed());
    assertEquals(6 - sentFirst + 1, store.partsSent.get() - sentFirst, "the missing parts and the unmarked one went up again");
    try (InputStream in = store.get(out.file().blobKey())) {
      assertEquals(sha256(f), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes())));
    }
  }

  @Test
  void anUploadTheStoreLostIsStartedOverAndEndsExact() throws Exception {
    Path f = file("lost.bin", 12 * MIB, 8);
    store.failingParts.add(2);
    UploadRequest serial = new UploadRequest("auto", "default", 0, null, 3, java.util.Map.of(), 5 * MIB, 1, false);
    assertThrows(UnavailableException.class, () -> uploads.upload(f, serial, UploadListener.NONE));
    UploadSession session = sessions.findByPath(f.toAbsolutePath().toString()).orElseThrow();
    store.abortMultipart(session.blobKey(), session.uploadId()); // expired, or removed by the store's lifecycle rules

    store.failingParts.clear();
    List<String> notes = new ArrayList<>();
    UploadOutcome out = uploads.upload(f, serial, notesInto(notes));
    assertTrue(notes.stream().anyMatch(n -> n.contains("gone from the store; starting over")), notes.toString());
    assertEquals(sha256(f), out.file().sha256());
    try (InputStream in = store.get(out.file().blobKey())) {
      assertEquals(sha256(f), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes())));
    }
    assertTrue(sessions.findByPath(f.toAbsolutePath().toString()).isEmpty(), "no session left");
    assertTrue(store.listPendingUploads().isEmpty(), "no upload left open");
  }

  @Test
  void aCrashAfterTheStoreCompletedButBeforeRegisteringIsFinishedByTheNextRunWithoutSendingAgain() throws Exception {
    Path f = file("completed.bin", 12 * MIB, 9);
    store.crashAfterComplete = true;
    UploadRequest serial = new UploadRequest("auto", "default", 0, null, 3, java.util.Map.of(), 5 * MIB, 1, false);
    assertThrows(UnavailableException.class, () -> uploads.upload(f, serial, UploadListener.NONE));
    assertEquals(0, queue.list(dev.ingest.queue.JobFilter.all()).size(), "no job before the file is registered");
    int sent = store.partsSent.get();

    store.crashAfterComplete = false;
    UploadOutcome out = uploads.upload(f, serial, UploadListener.NONE);
    assertTrue(out.resumed());
    assertEquals(sent, store.partsSent.get(), "nothing sent again");
    assertEquals(sha256(f), out.file().sha256());
    assertEquals(1, queue.list(dev.ingest.queue.JobFilter.all()).size());
    assertTrue(sessions.findByPath(f.toAbsolutePath().toString()).isEmpty(), "no session left");
  }

  @Test
  void aFileChangedSinceItsInterruptedUploadStartsOver() throws Exception {
    Path f = file("changing.bin", 12 * MIB, 5);
    store.failingParts.add(3);
    UploadRequest serial =
        new UploadRequest("auto", "default", 0, null, 3, java.util.Map.of(), 5 * MIB, 1, false);
    assertThrows(UnavailableException.class, () -> uploads.upload(f, serial, UploadListener.NONE));
    store.failingParts.clear();
    String oldUpload = sessions.findByPath(f.toAbsolutePath().toString()).orElseThrow().uploadId();

    byte[] changed = Files.readAllBytes(f);
    changed[0] ^= 1;
    Files.write(f, changed);
    Files.setLastModifiedTime(f, FileTime.fromMillis(System.currentTimeMillis() + 5000));
    List<String> notes = new ArrayList<>();
    int before = store.partsSent.get();
    UploadOutcome out =
        uploads.upload(
            f,
            serial,
            notesInto(notes));
    assertEquals(3, store.partsSent.get() - before, "all three parts are sent afresh");
    assertEquals(1, notes.size());
    assertTrue(notes.get(0).contains("changed"));
    assertEquals(sha256(f), out.file().sha256());
    assertTrue(store.listPendingUploads().stream().noneMatch(u -> u.uploadId().equals(oldUpload)), "old upload aborted");
  }

  /** Appends to the file once the upload reported its first bytes, as a program still writing it would. */
  private static UploadListener appendingOnFirstBytes(Path f) {
    return new UploadListener() {
      boolean done;

      @Override
      public void bytesDone(long bytes) {
        if (!done) {
          done = true;
          try {
            Files.write(f, new byte[] {42}, java.nio.file.StandardOpenOption.APPEND);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
      }
    };
  }

  @Test
  void aFileWrittenToWhileItUploadsIsRefusedAndLeavesNothingBehind() throws Exception {
    UploadRequest serial = new UploadRequest("auto", "default", 0, null, 3, java.util.Map.of(), 5 * MIB, 1, false);
    for (long size : new long[] {64 * 1024, 12 * MIB}) { // one object, and a multipart upload
      Path f = file("growing-" + size + ".bin", size, 8);

      InvalidInputException e =
          assertThrows(InvalidInputException.class, () -> uploads.upload(f, serial, appendingOnFirstBytes(f)));
      assertTrue(e.getMessage().contains("changed while it was being uploaded"), e.getMessage());
      assertTrue(e.getMessage().contains("run the upload again"), e.getMessage());
      assertEquals(0, (int) db.withHandle(h -> h.createQuery("SELECT count(*) FROM files").mapTo(Integer.class).one()), size + ": nothing registered");
      assertEquals(0, (int) db.withHandle(h -> h.createQuery("SELECT count(*) FROM jobs").mapTo(Integer.class).one()), size + ": nothing enqueued");
      assertEquals(List.of(), store.listPendingUploads(), size + ": no upload left open or staged");
      try (java.util.stream.Stream<Path> objects = Files.walk(dir.resolve("blobs"))) {
        assertEquals(List.of(), objects.filter(Files::isRegularFile).filter(p -> !p.toString().contains(".staging")).toList(),
            size + ": no object left");
      }
      assertTrue(sessions.findByPath(f.toAbsolutePath().toString()).isEmpty(), size + ": no session to resume: it would resume stale bytes");
    }
  }

  @Test
  void missingFileIsInvalidInputAndEnqueuesNothing() {
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> uploads.upload(dir.resolve("nope.pdf"), request(), UploadListener.NONE));
    assertTrue(e.getMessage().contains("no such file"));
    assertTrue(queue.list(dev.ingest.queue.JobFilter.all()).isEmpty());
  }

  @Test
  void sameDedupeKeyReturnsTheUnfinishedJob() throws Exception {
    UploadRequest keyed = new UploadRequest("auto", "default", 0, "batch-1", 3, java.util.Map.of(), 0, 2, false);
    UploadOutcome a = uploads.upload(file("x.txt", 10, 6), keyed, UploadListener.NONE);
    UploadOutcome b = uploads.upload(file("y.txt", 10, 7), keyed, UploadListener.NONE);
    assertEquals(a.job().id(), b.job().id());
    assertTrue(b.deduplicated());
  }
}
