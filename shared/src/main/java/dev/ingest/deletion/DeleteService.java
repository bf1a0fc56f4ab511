package dev.ingest.deletion;

import dev.ingest.blob.BlobStore;
import dev.ingest.core.IllegalTransitionException;
import dev.ingest.core.Job;
import dev.ingest.core.NotFoundException;
import dev.ingest.files.FileCatalog;
import dev.ingest.files.StoredFile;
import dev.ingest.json.JobJson;
import dev.ingest.queue.JobQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes jobs (with their results) and stored files (with their jobs) for good, a user's request to erase
 * their data or a file uploaded by mistake. Every id is checked first; running jobs are cancelled and waited
 * for; then the rows go in one transaction that lists the store objects left behind, and the objects are
 * removed after it ({@link Deletions}). Ids are a tenant's own (every tenant's for the operator, tenant null).
 */
public final class DeleteService {
  private static final Logger log = LoggerFactory.getLogger(DeleteService.class);
  /** Result objects a job may have written; see the pipeline's store step. */
  public static final List<String> RESULT_NAMES = List.of("text.txt", "chunks.jsonl");
  private static final int SWEEP_BATCH = 500;

  private final JobQueue queue;
  private final FileCatalog files;
  private final Deletions deletions;
  private final BlobStore store;
  private final dev.ingest.core.Clock clock;

  /** {@code clock}: the queue's, so "the lease ran out" means here what it means to the database. */
  public DeleteService(JobQueue queue, FileCatalog files, Deletions deletions, BlobStore store, dev.ingest.core.Clock clock) {
    this.clock = clock;
    this.queue = queue;
    this.files = files;
    this.deletions = deletions;
    this.store = store;
  }

  /** What a delete removed: job and file ids, and store objects (those a failed store left are swept later). */
  public record Report(List<String> jobs, List<String> files, int objects, int objectsLeft) {}

  public Report deleteJobs(String tenant, List<String> jobIds, Duration wait) throws InterruptedException {
    Map<String, Job> jobs = new LinkedHashMap<>();
    for (String id : jobIds) {
      jobs.put(id, queue.get(tenant, id)); // why: an unknown id is refused before anything is touched
    }
    return delete(tenant, jobs, List.of(), wait);
  }

  public Report deleteFiles(String tenant, List<String> fileIds, Duration wait) throws InterruptedException {
    Map<String, Job> jobs = new LinkedHashMap<>();
    fileIds.forEach(id -> file(tenant, id)); // why: an unknown id is refused before anything is touched
    for (String fileId : fileIds) {
      for (String jobId : deletions.jobsOfFile(fileId)) {
        jobs.put(jobId, queue.get(null, jobId));
      }
    }
    return delete(tenant, jobs, fileIds, wait);
  }

  /** This tenant's file, or {@link NotFoundException}. */
  public StoredFile file(String tenant, String fileId) {
    return files.describe(tenant, fileId).orElseThrow(() -> new NotFoundException("no file " + fileId));
  }

  public List<StoredFile> listFiles(String tenant, int limit) {
    return files.list(tenant, limit);
  }

  private Report delete(String tenant, Map<String, Job> jobs, List<String> fileIds, Duration wait) throws InterruptedException {
    stopRunning(jobs, wait);
    Map<String, String> bodies = new LinkedHashMap<>();
    for (Job job : jobs.values()) {
      Job now = queue.find(job.id()).orElse(job);
      bodies.put(job.id(), JobJson.job(now).toString());
    }
    Deletions.Removed removed = deletions.delete(jobs.keySet(), fileIds, bodies, RESULT_NAMES);
    int[] swept = sweep();
    Set<String> left = new LinkedHashSet<>(jobs.keySet());
    left.removeAll(removed.jobs());
    if (!left.isEmpty()) {
      throw new IllegalTransitionException(
          "job " + String.join(", ", left) + " is still running after " + wait.toSeconds() + "s; it has been asked to "
              + "cancel: delete it again once it has stopped" + (removed.jobs().isEmpty() ? "" : " (deleted " + removed.jobs() + ")"));
    }
    List<String> filesLeft = new ArrayList<>(fileIds);
    filesLeft.removeAll(removed.files());
    if (!filesLeft.isEmpty()) {
      throw new IllegalTransitionException("file " + String.join(", ", filesLeft) + " gained a job meanwhile; it was not deleted");
    }
    log.info("deleted {} job(s) and {} file(s){}", removed.jobs().size(), removed.files().size(), tenant == null ? "" : " of tenant " + tenant);
    return new Report(removed.jobs(), removed.files(), swept[0], swept[1]);
  }

  /** Cancels the unfinished jobs and waits, up to {@code wait}, for the running ones to stop. */
  private void stopRunning(Map<String, Job> jobs, Duration wait) throws InterruptedException {
    List<String> running = new ArrayList<>();
    for (Job job : jobs.values()) {
      if (!job.status().isTerminal()) {
        try {
          if (!queue.cancel(job.id()).status().isTerminal()) {
            running.add(job.id());
          }
        } catch (IllegalTransitionException e) {
          // it finished meanwhile
        }
      }
    }
    long deadline = System.nanoTime() + wait.toNanos();
    while (!running.isEmpty() && System.nanoTime() < deadline) {
      running.removeIf(id -> queue.find(id).map(j -> j.status().isTerminal() || leaseRanOut(j, clock.now())).orElse(true));
      if (!running.isEmpty()) {
        Thread.sleep(200); // why: polling the row; a worker notices the cancel at its next heartbeat
      }
    }
  }

  private static boolean leaseRanOut(Job job, Instant now) {
    return job.leaseExpiresAt() != null && job.leaseExpiresAt().isBefore(now);
  }

  /**
   * Removes the store objects deletions listed, crossing each off; stops at the first the store refuses
   * (they stay listed for the next sweep). Returns {removed, left}.
   */
  public int[] sweep() {
    int removed = 0;
    List<String> keys;
    while (!(keys = deletions.pendingObjects(SWEEP_BATCH)).isEmpty()) {
      for (String key : keys) {
        try {
          store.delete(key);
        } catch (RuntimeException e) {
          log.warn("could not delete {} from the store (kept for the next sweep): {}", key, e.getMessage());
          return new int[] {removed, deletions.pendingObjects(Integer.MAX_VALUE).size()};
        }
        deletions.objectDeleted(key);
        removed++;
      }
    }
    return new int[] {removed, 0};
  }
}
