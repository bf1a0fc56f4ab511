package dev.ingest.retention;

import dev.ingest.blob.BlobKeys;
import dev.ingest.blob.BlobStore;
import dev.ingest.blob.PendingUpload;
import dev.ingest.core.Clock;
import dev.ingest.core.FileRef;
import dev.ingest.files.FileCatalog;
import dev.ingest.queue.JobQueue;
import dev.ingest.tus.TusUpload;
import dev.ingest.tus.TusUploads;
import dev.ingest.upload.UploadSession;
import dev.ingest.upload.UploadSessions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention: removes finished jobs older than a cutoff with their results, stored files no job refers to
 * any more, and upload sessions (with their multipart uploads) abandoned before the cutoff.
 */
public final class RetentionService {
  private static final Logger log = LoggerFactory.getLogger(RetentionService.class);
  private static final int BATCH = 500;
  /**
   * The youngest an object no file names may be to count as stray, whatever the cutoff: an upload running
   * while {@code ingest cleanup --older-than 0s} runs has stored its object a moment before registering it.
   */
  static final Duration STRAY_GRACE = Duration.ofHours(1);
  private static final List<String> RESULT_NAMES = dev.ingest.deletion.DeleteService.RESULT_NAMES;

  private final JobQueue queue;
  private final FileCatalog files;
  private final UploadSessions sessions;
  private final BlobStore store;
  private final Clock clock;
  private final TusUploads tus;
  private final dev.ingest.deletion.DeleteService deletes;

  public RetentionService(
      JobQueue queue, FileCatalog files, UploadSessions sessions, TusUploads tus, BlobStore store, Clock clock) {
    this(queue, files, sessions, tus, store, clock, null);
  }

  /** With {@code deletes}, each cleanup also removes the store objects earlier deletions left listed. */
  public RetentionService(
      JobQueue queue, FileCatalog files, UploadSessions sessions, TusUploads tus, BlobStore store, Clock clock,
      dev.ingest.deletion.DeleteService deletes) {
    this.deletes = deletes;
    this.queue = queue;
    this.files = files;
    this.sessions = sessions;
    this.tus = tus;
    this.store = store;
    this.clock = clock;
  }

  /**
   * Removes tus uploads past their expiry, with their parts and waiting bytes in the store (the files of
   * finished ones belong to their jobs and stay). Returns how many unfinished ones were removed.
   */
  public int expireTusUploads(String tenant, boolean dryRun) {
    int abandoned = 0;
    for (TusUpload upload : tus.expiredBefore(tenant, clock.now())) {
      if (!upload.finished()) {
        abandoned++;
      }
      if (dryRun) {
        continue;
      }
      if (!upload.finished()) {
        if (upload.storeUploadId() != null) {
          store.abortMultipart(upload.blobKey(), upload.storeUploadId());
        }
        store.delete(upload.tailKey());
      }
      tus.delete(upload.id());
    }
    return abandoned;
  }

  /** What a cleanup removed, or would remove on a dry run. */
  public record Report(int jobs, int files, int uploads, int objects) {
    public Report(int jobs, int files, int uploads) {
      this(jobs, files, uploads, 0);
    }
  }

  public Report cleanup(Duration olderThan, boolean dryRun) {
    return cleanup(null, olderThan, dryRun);
  }

  /**
   * {@link #cleanup(String, Duration, boolean)} for every tenant, then, with {@code sweepStore}, the objects no
   * file names that are older than the cutoff and than {@link #STRAY_GRACE}: what a process killed between
   * storing a small file and registering it left. The sweep lists the store's {@code objects/} folder, so the periodic retention of
   * workers leaves it to {@code ingest cleanup}.
   */
  public Report cleanup(Duration olderThan, boolean dryRun, boolean sweepStore) {
    Report report = cleanup(null, olderThan, dryRun);
    if (!sweepStore) {
      return report;
    }
    Duration age = olderThan.compareTo(STRAY_GRACE) > 0 ? olderThan : STRAY_GRACE;
    int strays = sweepStrayObjects(clock.now().minus(age), dryRun);
    if (strays > 0) {
      log.info("cleanup{}: {} object(s) no file names", dryRun ? " (dry run)" : "", strays);
    }
    return new Report(report.jobs(), report.files(), report.uploads(), strays);
  }

  private int sweepStrayObjects(Instant cutoff, boolean dryRun) {
    String folder = BlobKeys.OBJECTS;
    List<String> batch = new ArrayList<>();
    int[] strays = {0};
    store.list(folder, info -> {
      if (info.lastModified().isBefore(cutoff)) {
        batch.add(info.key().substring(folder.length()));
        if (batch.size() == BATCH) {
          strays[0] += sweep(folder, batch, dryRun);
          batch.clear();
        }
      }
    });
    strays[0] += sweep(folder, batch, dryRun);
    return strays[0];
  }

  private int sweep(String folder, List<String> fileIds, boolean dryRun) {
    java.util.Set<String> named = files.existing(fileIds);
    int strays = 0;
    for (String id : fileIds) {
      if (!named.contains(id)) {
        strays++;
        if (!dryRun) {
          store.delete(folder + id);
        }
      }
    }
    return strays;
  }

  /**
   * Cleanup of one tenant's finished jobs and unused files (every tenant's when {@code tenant} is null);
   * abandoned uploads of the local CLI are only looked at for every tenant.
   */
  public Report cleanup(String tenant, Duration olderThan, boolean dryRun) {
    if (deletes != null && !dryRun) {
      deletes.sweep(); // why: objects a delete could not remove (store down, crash) go with the next cleanup
    }
    Instant cutoff = clock.now().minus(olderThan);
    int jobs = 0;
    if (dryRun) {
      jobs = queue.finishedBefore(tenant, cutoff, Integer.MAX_VALUE).size();
    } else {
      List<String> batch;
      while (!(batch = queue.finishedBefore(tenant, cutoff, BATCH)).isEmpty()) {
        for (String id : batch) {
          for (String name : RESULT_NAMES) {
            store.delete(BlobKeys.result(id, name));
          }
        }
        int deleted = queue.deleteFinished(batch);
        jobs += deleted;
        if (deleted == 0) {
          break;
        }
      }
    }
    List<FileRef> orphans = files.unreferencedBefore(tenant, cutoff);
    if (!dryRun) {
      for (FileRef f : orphans) {
        files.delete(f.id());
        store.delete(f.blobKey());
      }
    }
    int expired = expireTusUploads(tenant, dryRun);
    if (tenant != null) {
      Report report = new Report(jobs, orphans.size(), expired);
      log.info("cleanup of tenant {}{} older than {}: {}", tenant, dryRun ? " (dry run)" : "", olderThan, report);
      return report;
    }
    List<UploadSession> stale = sessions.startedBefore(cutoff);
    Set<String> known = stale.stream().map(UploadSession::uploadId).collect(Collectors.toCollection(java.util.HashSet::new));
    known.addAll(tus.liveStoreUploadIds(clock.now()));
    List<PendingUpload> strays =
        store.listPendingUploads().stream()
            .filter(u -> u.initiated().isBefore(cutoff) && !known.contains(u.uploadId()))
            .toList();
    if (!dryRun) {
      for (UploadSession s : stale) {
        store.abortMultipart(s.blobKey(), s.uploadId());
        sessions.delete(s.id());
      }
      for (PendingUpload u : strays) {
        store.abortMultipart(u.key(), u.uploadId());
      }
    }
    Report report = new Report(jobs, orphans.size(), stale.size() + strays.size() + expired);
    log.info("cleanup{} older than {}: {}", dryRun ? " (dry run)" : "", olderThan, report);
    return report;
  }
}
