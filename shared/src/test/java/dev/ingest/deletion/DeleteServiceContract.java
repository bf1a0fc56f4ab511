package dev.ingest.deletion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingest.blob.BlobKeys;
import dev.ingest.blob.BlobStore;
import dev.ingest.core.Clock;
import dev.ingest.core.InvalidInputException;
import dev.ingest.core.Job;
import dev.ingest.core.NotFoundException;
import dev.ingest.core.RetryPolicy;
import dev.ingest.files.sql.SqlFileCatalog;
import dev.ingest.queue.JobEvent;
import dev.ingest.queue.Lease;
import dev.ingest.queue.sql.Database;
import dev.ingest.queue.sql.SqlDeletions;
import dev.ingest.queue.sql.SqlJobQueue;
import dev.ingest.upload.ContentTypeDetector;
import dev.ingest.upload.CountingBlobStore;
import dev.ingest.upload.UploadListener;
import dev.ingest.upload.UploadRequest;
import dev.ingest.upload.UploadService;
import dev.ingest.upload.sql.SqlUploadSessions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deleting jobs and files, against each database and store: rows go at once, objects after, and a fault
 * between the two (or inside the first) leaves nothing half-deleted.
 */
public abstract class DeleteServiceContract {
  private static final Duration TTL = Duration.ofSeconds(30);

  @TempDir protected Path dir;
  protected Database db;
  private CountingBlobStore store;
  private SqlJobQueue queue;
  private SqlDeletions deletions;
  private DeleteService deletes;
  private UploadService uploads;

  protected abstract Database openDatabase();

  protected abstract BlobStore openStore();

  /** Makes deleting a file row fail inside the transaction, as a database that errs midway would. */
  protected abstract void failFileRowDeletes();

  @BeforeEach
  void setUp() {
    db = openDatabase();
    store = new CountingBlobStore(openStore());
    queue = new SqlJobQueue(db, Clock.SYSTEM, RetryPolicy.DEFAULT);
    SqlFileCatalog files = new SqlFileCatalog(db);
    deletions = new SqlDeletions(db, Clock.SYSTEM);
    deletes = new DeleteService(queue, files, deletions, store, Clock.SYSTEM);
    uploads = new UploadService(store, files, new SqlUploadSessions(db), queue, ContentTypeDetector.UNKNOWN, Clock.SYSTEM);
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  /** A job of {@code pipeline} on {@code content}, run to completion with the results the store step writes. */
  private Job completed(String content, String pipeline) throws Exception {
    Path f = Files.writeString(dir.resolve(pipeline + "-" + Math.abs(content.hashCode()) + ".txt"), content);
    Job job = uploads.upload(f, UploadRequest.defaults().withPipeline(pipeline).withForce(true), UploadListener.NONE).job();
    Lease lease = queue.claim("w", List.of(), 10, TTL).stream().filter(l -> l.jobId().equals(job.id())).findFirst().orElseThrow();
    for (String name : DeleteService.RESULT_NAMES) {
      byte[] data = (name + " of " + job.id()).getBytes(StandardCharsets.UTF_8);
      store.put(BlobKeys.result(job.id(), name), data, data.length);
    }
    queue.complete(lease, "{}");
    return queue.get(job.id());
  }

  private boolean stored(String key) {
    return store.stat(key).isPresent();
  }

  @Test
  void deletingAJobRemovesItsRowAndResultsAndItsFileOnlyWithTheLastJobUsingIt() throws Exception {
    Job first = completed("shared content", "auto");
    Job second = completed("shared content", "other");
    assertEquals(first.file().id(), second.file().id());

    DeleteService.Report r = deletes.deleteJobs(null, List.of(first.id()), Duration.ZERO);
    assertEquals(List.of(first.id()), r.jobs());
    assertEquals(List.of(), r.files(), "the other job still uses the file");
    assertThrows(NotFoundException.class, () -> queue.get(first.id()));
    assertFalse(stored(BlobKeys.result(first.id(), "text.txt")));
    assertFalse(stored(BlobKeys.result(first.id(), "chunks.jsonl")));
    assertTrue(stored(first.file().blobKey()));
    assertTrue(stored(BlobKeys.result(second.id(), "text.txt")));

    DeleteService.Report last = deletes.deleteJobs(null, List.of(second.id()), Duration.ZERO);
    assertEquals(List.of(second.file().id()), last.files());
    assertFalse(stored(second.file().blobKey()));
    assertTrue(deletes.listFiles(null, 10).isEmpty());
    assertTrue(deletions.pendingObjects(10).isEmpty());
  }

  @Test
  void deletingAFileTakesEveryJobOfItAndTheSameContentCanComeAgain() throws Exception {
    Job a = completed("a file uploaded by mistake", "auto");
    Job b = completed("a file uploaded by mistake", "other");
    Job unrelated = completed("something else", "auto");
    assertEquals(2, deletes.listFiles(null, 10).stream().filter(f -> f.file().id().equals(a.file().id())).findFirst().orElseThrow().jobs());

    DeleteService.Report r = deletes.deleteFiles(null, List.of(a.file().id()), Duration.ZERO);
    assertEquals(List.of(a.id(), b.id()).stream().sorted().toList(), r.jobs().stream().sorted().toList());
    assertEquals(List.of(a.file().id()), r.files());
    assertFalse(stored(a.file().blobKey()));
    assertEquals(unrelated.id(), queue.get(unrelated.id()).id());
    Job again = completed("a file uploaded by mistake", "auto");
    assertTrue(stored(again.file().blobKey()), "stored afresh, not matched to the deleted content");
  }

  @Test
  void unknownIdsAndAnotherTenantsIdsAreRefusedBeforeAnythingIsTouched() throws Exception {
    Job job = completed("mine", "auto");
    assertThrows(NotFoundException.class, () -> deletes.deleteJobs(null, List.of(job.id(), "job_nosuch"), Duration.ZERO));
    assertThrows(NotFoundException.class, () -> deletes.deleteJobs("someone-else", List.of(job.id()), Duration.ZERO));
    assertThrows(NotFoundException.class, () -> deletes.deleteFiles("someone-else", List.of(job.file().id()), Duration.ZERO));
    assertEquals(job.id(), queue.get(job.id()).id());
    assertTrue(stored(BlobKeys.result(job.id(), "text.txt")));
  }

  @Test
  void aRunningJobIsCancelledAndWaitedForAndOneThatWillNotStopIsLeft() throws Exception {
    Path f = Files.writeString(dir.resolve("running.txt"), "running");
    Job job = uploads.upload(f, UploadRequest.defaults(), UploadListener.NONE).job();
    Lease lease = queue.claim("w", List.of(), 1, TTL).get(0);

    // nobody stops it: refused, the job stays, asked to cancel
    InvalidInputException stuck = assertThrows(InvalidInputException.class, () -> deletes.deleteJobs(null, List.of(job.id()), Duration.ZERO));
    assertTrue(stuck.getMessage().contains("still running"), stuck.getMessage());
    assertTrue(queue.get(job.id()).cancelRequested());

    // a worker that hears the cancel at its heartbeat: the delete waits for it
    Thread worker = new Thread(() -> {
      while (!queue.heartbeat("w", TTL).get(job.id()).cancelRequested()) {
        Thread.onSpinWait();
      }
      queue.markCancelled(lease);
    });
    worker.start();
    DeleteService.Report r = deletes.deleteJobs(null, List.of(job.id()), Duration.ofSeconds(30));
    worker.join();
    assertEquals(List.of(job.id()), r.jobs());
    assertFalse(stored(job.file().blobKey()));
  }

  @Test
  void aStoreFailingAfterTheRowsAreGoneLeavesItsObjectsListedForTheNextSweep() throws Exception {
    Job job = completed("store down", "auto");
    store.failDeletes = true;
    DeleteService.Report r = deletes.deleteJobs(null, List.of(job.id()), Duration.ZERO);
    assertEquals(List.of(job.id()), r.jobs());
    assertEquals(3, r.objectsLeft(), "two results and the file");
    assertThrows(NotFoundException.class, () -> queue.get(job.id()), "the job is gone at once");
    assertTrue(deletes.listFiles(null, 10).isEmpty(), "and so is its file");
    assertTrue(stored(job.file().blobKey()));

    store.failDeletes = false;
    assertEquals(3, deletes.sweep()[0]);
    assertFalse(stored(job.file().blobKey()));
    assertFalse(stored(BlobKeys.result(job.id(), "chunks.jsonl")));
    assertTrue(deletions.pendingObjects(10).isEmpty());
  }

  @Test
  void aCrashBetweenTheRowsAndTheObjectsIsFinishedByTheNextSweep() throws Exception {
    Job job = completed("crash between", "auto");
    // the first step alone, as a process killed right after its commit would leave it
    deletions.delete(List.of(job.id()), List.of(), java.util.Map.of(), DeleteService.RESULT_NAMES);
    assertThrows(NotFoundException.class, () -> queue.get(job.id()));
    assertTrue(stored(job.file().blobKey()));
    assertEquals(3, deletions.pendingObjects(10).size());

    new DeleteService(queue, new SqlFileCatalog(db), deletions, store, Clock.SYSTEM).sweep();
    assertFalse(stored(job.file().blobKey()));
    assertFalse(stored(BlobKeys.result(job.id(), "text.txt")));
    assertTrue(deletions.pendingObjects(10).isEmpty());
  }

  @Test
  void aFaultInsideTheTransactionChangesNothing() throws Exception {
    Job job = completed("fault inside", "auto");
    failFileRowDeletes();
    assertThrows(RuntimeException.class, () -> deletes.deleteJobs(null, List.of(job.id()), Duration.ZERO));
    assertEquals(job.id(), queue.get(job.id()).id());
    assertEquals(1, deletes.listFiles(null, 10).size());
    assertTrue(deletions.pendingObjects(10).isEmpty());
    assertTrue(stored(BlobKeys.result(job.id(), "text.txt")));
    assertTrue(stored(job.file().blobKey()));
  }

  @Test
  void cleanupRemovesWhatKilledProcessesLeftAndNothingInUse() throws Exception {
    Path f = Files.writeString(dir.resolve("in-use.txt"), "a file whose job is still queued");
    Job queued = uploads.upload(f, UploadRequest.defaults(), UploadListener.NONE).job();
    // a process killed between storing a small file and registering it, and one killed between creating its
    // checksum probe upload and aborting it
    byte[] orphan = "stored, never registered".getBytes(StandardCharsets.UTF_8);
    store.put(BlobKeys.object("file_killedbeforeregistering"), orphan, orphan.length);
    store.createMultipart("health/checksum-probe", 5 * 1024 * 1024);
    Clock later = () -> java.time.Instant.now().plusSeconds(2 * 3600); // past the stray objects' grace of an hour
    dev.ingest.retention.RetentionService retention = new dev.ingest.retention.RetentionService(
        queue, new SqlFileCatalog(db), new SqlUploadSessions(db), new dev.ingest.tus.sql.SqlTusUploads(db), store, later, deletes);

    dev.ingest.retention.RetentionService.Report dry = retention.cleanup(Duration.ofSeconds(1), true, true);
    assertEquals(1, dry.objects());
    assertTrue(stored(BlobKeys.object("file_killedbeforeregistering")), "a dry run removes nothing");

    dev.ingest.retention.RetentionService.Report report = retention.cleanup(Duration.ofSeconds(1), false, true);
    assertEquals(1, report.objects(), "the stray object");
    assertEquals(1, report.uploads(), "the probe upload");
    assertFalse(stored(BlobKeys.object("file_killedbeforeregistering")));
    assertEquals(List.of(), store.listPendingUploads());
    assertTrue(stored(queued.file().blobKey()), "the object of a file in use stays");
    assertEquals(queued.id(), queue.get(queued.id()).id());
  }

  @Test
  void subscribersHearJobDeletedWithTheJobAsItWas() throws Exception {
    queue.subscribeToEvents("webhooks");
    Job job = completed("announced", "auto");
    List<JobEvent> seen = new ArrayList<>();
    queue.dispatchEvents(100, e -> List.of()); // the completion's event
    deletes.deleteJobs(null, List.of(job.id()), Duration.ZERO);
    queue.dispatchEvents(100, e -> {
      seen.add(e);
      return List.of();
    });
    assertEquals(1, seen.size());
    assertEquals(JobEvent.DELETED, seen.get(0).type());
    assertEquals(job.id(), seen.get(0).jobId());
    assertTrue(seen.get(0).body().contains("\"id\":\"" + job.id() + "\""), seen.get(0).body());
    assertTrue(seen.get(0).body().contains("\"status\":\"completed\""));
  }
}
