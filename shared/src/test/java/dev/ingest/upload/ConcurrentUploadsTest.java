package dev.ingest.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingest.blob.local.LocalBlobStore;
import dev.ingest.core.Clock;
import dev.ingest.core.RetryPolicy;
import dev.ingest.core.Transactions;
import dev.ingest.files.sql.SqlFileCatalog;
import dev.ingest.queue.JobFilter;
import dev.ingest.queue.sql.Database;
import dev.ingest.queue.sql.SqlJobQueue;
import dev.ingest.upload.sql.SqlUploadSessions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads on several threads of one process, as {@code ingest upload DIR --jobs N} runs them, on a real SQLite
 * database and local store: new small files are registered and enqueued in shared transactions.
 */
@Timeout(120)
class ConcurrentUploadsTest {
  @TempDir Path dir;
  private Database db;
  private SqlJobQueue queue;
  private SqlFileCatalog files;
  private UploadService uploads;

  @BeforeEach
  void setUp() {
    db = Database.open("sqlite:" + dir.resolve("ingest.db"), 8);
    queue = new SqlJobQueue(db, Clock.SYSTEM, RetryPolicy.DEFAULT);
    files = new SqlFileCatalog(db);
    uploads = service(ContentTypeDetector.UNKNOWN);
  }

  private UploadService service(ContentTypeDetector detector) {
    return new UploadService(new LocalBlobStore(dir.resolve("blobs")), files, new SqlUploadSessions(db), queue, detector, Clock.SYSTEM)
        .transactions(new Transactions() {
          @Override
          public <T> T inTransaction(Supplier<T> work) {
            return db.inTransaction(h -> work.get());
          }
        });
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  private List<UploadOutcome> uploadAll(UploadService service, List<Path> paths, int threads) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<UploadOutcome>> futures = new ArrayList<>();
      for (Path p : paths) {
        futures.add(pool.submit(() -> service.upload(p, UploadRequest.defaults(), UploadListener.NONE)));
      }
      List<UploadOutcome> outcomes = new ArrayList<>();
      for (Future<UploadOutcome> f : futures) {
        outcomes.add(f.get(60, TimeUnit.SECONDS));
      }
      return outcomes;
    } finally {
      pool.shutdownNow();
    }
  }

  private long objects() throws Exception {
    try (Stream<Path> walk = Files.walk(dir.resolve("blobs"))) {
      return walk.filter(Files::isRegularFile).filter(p -> !p.toString().contains(".staging")).count();
    }
  }

  private long staged() throws Exception {
    try (Stream<Path> walk = Files.walk(dir.resolve("blobs/.staging"))) {
      return walk.filter(Files::isRegularFile).count();
    }
  }

  @Test
  void manySmallFilesOnEightThreadsEachGetTheirOwnFileAndJob() throws Exception {
    List<Path> paths = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      paths.add(Files.writeString(dir.resolve("f" + i + ".txt"), "content of file " + i));
    }
    List<UploadOutcome> outcomes = uploadAll(uploads, paths, 8);
    assertEquals(200, outcomes.stream().map(o -> o.job().id()).distinct().count());
    assertEquals(200, outcomes.stream().map(o -> o.file().id()).distinct().count());
    for (int i = 0; i < 200; i++) {
      assertEquals(outcomes.get(i).job().file().id(), outcomes.get(i).file().id());
      assertEquals("f" + i + ".txt", outcomes.get(i).file().name());
    }
    assertEquals(200, queue.list(new JobFilter(null, null, 1000)).size());
    assertEquals(200, objects());
    assertEquals(0, staged());
  }

  @Test
  void theSameContentUploadedTwiceInOneGroupIsStoredOnceWithOneJob() throws Exception {
    Path other = Files.writeString(dir.resolve("other.txt"), "a first upload, held up by a writer");
    Path a = Files.writeString(dir.resolve("a.txt"), "the very same bytes");
    Path b = Files.writeString(dir.resolve("b.txt"), "the very same bytes");
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try (java.sql.Connection lock = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("ingest.db"));
        java.sql.Statement st = lock.createStatement()) {
      // why: another writer holds the database, so the first upload's write waits and the next two, both of the
      // same content, are handed in meanwhile: they are written as one group, which must notice the twin.
      st.execute("BEGIN IMMEDIATE");
      Future<UploadOutcome> first = pool.submit(() -> uploads.upload(other, UploadRequest.defaults(), UploadListener.NONE));
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> objects() == 1);
      Future<UploadOutcome> fa = pool.submit(() -> uploads.upload(a, UploadRequest.defaults(), UploadListener.NONE));
      Future<UploadOutcome> fb = pool.submit(() -> uploads.upload(b, UploadRequest.defaults(), UploadListener.NONE));
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> uploads.pendingAdmissions() == 2);
      st.execute("ROLLBACK");
      first.get(30, TimeUnit.SECONDS);
      UploadOutcome oa = fa.get(30, TimeUnit.SECONDS);
      UploadOutcome ob = fb.get(30, TimeUnit.SECONDS);

      assertEquals(oa.file().id(), ob.file().id(), "one file for one content");
      assertEquals(oa.job().id(), ob.job().id(), "one job for one content and pipeline");
      assertTrue(oa.deduplicated() != ob.deduplicated(), "one of them found the other's job");
      assertEquals(2, queue.list(new JobFilter(null, null, 10)).size());
      assertEquals(oa.file().id(), queue.get(oa.job().id()).file().id());
      assertEquals(2, objects(), "the second copy's object was removed");
      assertEquals(0, staged());
    } finally {
      pool.shutdownNow();
    }
  }
}
