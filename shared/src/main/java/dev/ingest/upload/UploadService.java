package dev.ingest.upload;

import dev.ingest.blob.BlobKeys;
import dev.ingest.blob.BlobStore;
import dev.ingest.core.Clock;
import dev.ingest.core.FileRef;
import dev.ingest.core.Job;
import dev.ingest.core.Ids;
import dev.ingest.core.InvalidInputException;
import dev.ingest.core.NewJob;
import dev.ingest.core.NotFoundException;
import dev.ingest.files.FileCatalog;
import dev.ingest.queue.EnqueueResult;
import dev.ingest.queue.JobQueue;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores a file and enqueues its job. Content already stored is not sent again; a file whose job already
 * exists for the same pipeline is not reprocessed unless forced; an interrupted multipart upload resumes.
 */
public final class UploadService {
  private static final Logger log = LoggerFactory.getLogger(UploadService.class);
  private static final int SNIFF_BYTES = 8192;

  private final BlobStore store;
  private final FileCatalog files;
  private final UploadSessions sessions;
  private final JobQueue queue;
  private final ContentTypeDetector detector;
  private final Clock clock;
  /** Makes the throttle of one upload from its {@code limitRate}; tests put a clock of their own in. */
  java.util.function.LongFunction<Throttle> throttles = Throttle::perSecond;
  private dev.ingest.core.Transactions transactions = dev.ingest.core.Transactions.NONE;
  /** New small files of uploads running at once: registered and enqueued in one transaction per group. */
  private final GroupCommit<Admission, Admitted> admissions = new GroupCommit<>(this::admitAll, this::admitOne);

  public UploadService(
      BlobStore store,
      FileCatalog files,
      UploadSessions sessions,
      JobQueue queue,
      ContentTypeDetector detector,
      Clock clock) {
    this.store = store;
    this.files = files;
    this.sessions = sessions;
    this.queue = queue;
    this.detector = detector;
    this.clock = clock;
  }

  /**
   * Lets uploads that run at once (a batch's threads) register their new files and enqueue their jobs in one
   * transaction per group, instead of each taking the database's write lock twice.
   */
  public UploadService transactions(dev.ingest.core.Transactions transactions) {
    this.transactions = transactions;
    return this;
  }

  /** New files waiting for their group's transaction (tests). */
  int pendingAdmissions() {
    return admissions.pendingCount();
  }

  public UploadOutcome upload(Path path, UploadRequest request, UploadListener listener) {
    BasicFileAttributes attrs = readAttributes(path);
    long size = attrs.size();
    long mtime = attrs.lastModifiedTime().toMillis();
    String name = path.getFileName() == null ? path.toString() : path.getFileName().toString();
    listener.fileStarted(path, size);

    Stored stored = store(path, name, size, mtime, request, listener);
    FileRef file =
        new FileRef(stored.file.id(), name, size, stored.file.sha256(), stored.file.mimeType(), stored.file.blobKey());

    Admitted admitted;
    if (stored.registered) {
      admitted = enqueueFor(NewJob.DEFAULT_TENANT, file, request);
    } else {
      try {
        admitted = admissions.submit(new Admission(NewJob.DEFAULT_TENANT, file, request));
      } catch (RuntimeException e) {
        dropUnregistered(file);
        throw e;
      }
    }
    UploadOutcome outcome =
        new UploadOutcome(path, admitted.file(), admitted.job(), admitted.deduplicated(), stored.bytesSent, stored.resumed);
    listener.fileFinished(outcome);
    return outcome;
  }

  /** A stored file and the job it got: a new one, or an existing one ({@code deduplicated}). */
  public record Admitted(FileRef file, Job job, boolean deduplicated) {}

  /**
   * Registers an object just written to the store as a tenant's file and enqueues its job, as {@link #upload}
   * does for a local file: when the tenant already has the same content, that file is kept and the new object
   * deleted; when the content already has a live job of the pipeline (and {@code force} is off), that job is
   * returned instead of a new one.
   */
  public Admitted admit(String tenant, FileRef stored, UploadRequest request) {
    return enqueueFor(tenant, register(tenant, stored), request);
  }

  private Admitted enqueueFor(String tenant, FileRef file, UploadRequest request) {
    if (!request.force()) {
      var live = queue.findLiveForFile(file.id(), request.pipeline());
      if (live.isPresent()) {
        return new Admitted(file, live.get(), true);
      }
    }
    EnqueueResult enqueued = queue.enqueue(jobFor(tenant, file, request));
    return new Admitted(file, enqueued.job(), enqueued.deduplicated());
  }

  private static NewJob jobFor(String tenant, FileRef file, UploadRequest request) {
    return NewJob.builder(request.pipeline())
        .tenant(tenant)
        .queue(request.queue())
        .priority(request.priority())
        .maxAttempts(request.maxAttempts())
        .dedupeKey(request.dedupeKey())
        .file(file)
        .meta(request.meta())
        .timeout(request.timeout())
        .options(request.options())
        .build();
  }

  /** A file just put into the store, not yet in the catalog, and the job it is to get. */
  private record Admission(String tenant, FileRef file, UploadRequest request) {}

  private Admitted admitOne(Admission a) {
    return enqueueFor(a.tenant(), register(a.tenant(), a.file()), a.request());
  }

  /**
   * A group's files and jobs in one transaction. New content has no job yet, so nothing is looked up; a file
   * whose content another upload registered meanwhile, or a dedupe key, sends the group one by one instead.
   */
  private List<Admitted> admitAll(List<Admission> group) {
    if (group.stream().anyMatch(a -> a.request().dedupeKey() != null)) {
      throw new IllegalStateException("dedupe keys are resolved one job at a time");
    }
    return transactions.inTransaction(
        () -> {
          java.time.Instant now = clock.now();
          List<NewJob> jobs = new ArrayList<>(group.size());
          for (Admission a : group) {
            FileRef recorded = files.add(a.tenant(), a.file(), now);
            if (!recorded.id().equals(a.file().id())) {
              throw new IllegalStateException("the same content was registered meanwhile");
            }
            jobs.add(jobFor(a.tenant(), a.file(), a.request()));
          }
          List<EnqueueResult> enqueued = queue.enqueueAll(jobs);
          List<Admitted> admitted = new ArrayList<>(group.size());
          for (int i = 0; i < group.size(); i++) {
            admitted.add(new Admitted(group.get(i).file(), enqueued.get(i).job(), enqueued.get(i).deduplicated()));
          }
          return admitted;
        });
  }

  /** {@code registered}: the file is in the catalog; otherwise it is only in the store, to be registered. */
  private record Stored(FileRef file, long bytesSent, boolean resumed, boolean registered) {
    Stored(FileRef file, long bytesSent, boolean resumed) {
      this(file, bytesSent, resumed, true);
    }
  }

  private Stored store(Path path, String name, long size, long mtime, UploadRequest request, UploadListener listener) {
    String absolute = path.toAbsolutePath().normalize().toString();
    Optional<UploadSession> previous = sessions.findByPath(absolute);
    if (previous.isPresent()) {
      UploadSession session = previous.get();
      if (session.matches(size, mtime)) {
        Optional<Stored> resumed = resume(path, name, session, request, listener);
        if (resumed.isPresent()) {
          return resumed.get();
        }
      } else {
        listener.note(name + " changed since its interrupted upload; starting over");
        discard(session);
      }
    }
    if (size <= PartSizer.choose(size, request.partSize())) {
      return storeSmall(path, name, size, mtime, request, listener);
    }
    if (files.anyWithSize(NewJob.DEFAULT_TENANT, size)) {
      // why: only a file of equal size can be a duplicate; hashing first spares sending it again.
      String sha256 = PartTransfer.sha256(path);
      Optional<FileRef> existing = files.findBySha256(NewJob.DEFAULT_TENANT, sha256);
      if (existing.isPresent() && store.stat(existing.get().blobKey()).isPresent()) {
        listener.bytesDone(size);
        return new Stored(existing.get(), 0, false);
      }
    }
    return storeNew(path, name, size, mtime, request, listener);
  }

  /**
   * A file of one part: read once, and its hash, its type and the object all come from those bytes (a batch
   * of small files otherwise read each three times and hashed it twice).
   */
  private Stored storeSmall(Path path, String name, long size, long mtime, UploadRequest request, UploadListener listener) {
    byte[] data = PartTransfer.readWhole(path, size, throttles.apply(request.limitRate()));
    String sha256 = PartTransfer.sha256(data);
    // why: the hash is at hand, so one lookup by it; asking first whether any file has this size only saves
    // hashing, which a file of one part has done already.
    Optional<FileRef> existing = files.findBySha256(NewJob.DEFAULT_TENANT, sha256);
    if (existing.isPresent() && store.stat(existing.get().blobKey()).isPresent()) {
      listener.bytesDone(size);
      return new Stored(existing.get(), 0, false);
    }
    String fileId = Ids.file();
    String key = BlobKeys.object(fileId);
    String mime = detector.detect(data, (int) Math.min(data.length, SNIFF_BYTES), name);
    store.putNew(key, data, data.length);
    try {
      listener.bytesDone(size);
      checkUnchanged(path, size, mtime);
    } catch (RuntimeException e) {
      // why: the object was stored under a new key no row will name; it must not stay behind
      store.delete(key);
      throw e;
    }
    return new Stored(new FileRef(fileId, name, size, sha256, mime, key), size, false, false);
  }

  private Stored storeNew(Path path, String name, long size, long mtime, UploadRequest request, UploadListener listener) {
    String fileId = Ids.file();
    String key = BlobKeys.object(fileId);
    long partSize = PartSizer.choose(size, request.partSize());
    String mime = sniff(path, name);
    String uploadId = store.createMultipart(key, partSize);
    UploadSession session =
        new UploadSession(
            Ids.generate("ups_", clock.now().toEpochMilli()),
            path.toAbsolutePath().normalize().toString(),
            size,
            mtime,
            fileId,
            key,
            uploadId,
            partSize,
            clock.now());
    sessions.save(session);
    return finishMultipart(path, name, mime, session, java.util.Map.of(), request, listener, false);
  }

  private Optional<Stored> resume(
      Path path, String name, UploadSession session, UploadRequest request, UploadListener listener) {
    java.util.Map<Integer, dev.ingest.blob.UploadedPart> done = new java.util.HashMap<>();
    try {
      // why: the store is the authority on what it holds; each part is re-checked against the file's bytes,
      // by the checksum the store reports or, where it reports none, the one recorded for the same ETag.
      java.util.Map<Integer, dev.ingest.blob.UploadedPart> recorded = new java.util.HashMap<>();
      sessions.parts(session.id()).forEach(p -> recorded.put(p.number(), p));
      for (var part : store.listParts(session.blobKey(), session.uploadId())) {
        if (part.checksum() != null) {
          done.put(part.number(), part);
        } else {
          var mine = recorded.get(part.number());
          if (mine != null && mine.etag().equals(part.etag())) {
            done.put(part.number(), new dev.ingest.blob.UploadedPart(part.number(), part.etag(), mine.checksum(), mine.size()));
          }
        }
      }
    } catch (NotFoundException e) {
      if (store.stat(session.blobKey()).map(b -> b.size() == session.size()).orElse(false)) {
        // why: a crash between completing the upload and recording the file; the object is whole.
        String sha256 = PartTransfer.sha256(path);
        FileRef file = register(new FileRef(session.fileId(), name, session.size(), sha256, sniff(path, name), session.blobKey()));
        sessions.delete(session.id());
        listener.bytesDone(session.size());
        return Optional.of(new Stored(file, 0, true));
      }
      listener.note("the interrupted upload of " + name + " is gone from the store; starting over");
      sessions.delete(session.id());
      return Optional.empty();
    }
    log.info("resuming upload of {}: {} parts already stored", path, done.size());
    return Optional.of(
        finishMultipart(path, name, sniff(path, name), session, done, request, listener, true));
  }

  private Stored finishMultipart(
      Path path,
      String name,
      String mime,
      UploadSession session,
      java.util.Map<Integer, dev.ingest.blob.UploadedPart> done,
      UploadRequest request,
      UploadListener listener,
      boolean resumed) {
    PartTransfer.Result result;
    try {
      result = new PartTransfer(store, sessions, session, request.parallel(), listener, throttles.apply(request.limitRate()))
              .run(path, done);
      checkUnchanged(path, session.size(), session.mtimeMillis());
      store.completeMultipart(session.blobKey(), session.uploadId(), result.parts());
    } catch (dev.ingest.core.IngestException e) {
      if (!e.retryable()) {
        // why: no rerun can finish this upload (file changed, access denied, corrupt part): leave no orphan.
        discard(session);
      }
      throw e;
    }
    FileRef file = register(new FileRef(session.fileId(), name, session.size(), result.sha256(), mime, session.blobKey()));
    sessions.delete(session.id());
    return new Stored(file, result.bytesSent(), resumed);
  }

  private FileRef register(FileRef file) {
    return register(NewJob.DEFAULT_TENANT, file);
  }

  private FileRef register(String tenant, FileRef file) {
    FileRef recorded = files.add(tenant, file, clock.now());
    if (!recorded.id().equals(file.id())) {
      // why: the same content was stored by someone else meanwhile; keep theirs, drop ours.
      store.delete(file.blobKey());
    }
    return recorded;
  }

  /**
   * The object of a file that could not be registered (the database locked or down): removed, so the store
   * holds nothing the catalog does not know. Left where the row did land, or where that cannot be told.
   */
  private void dropUnregistered(FileRef file) {
    try {
      if (files.find(file.id()).isEmpty()) {
        store.delete(file.blobKey());
      }
    } catch (RuntimeException e) {
      log.warn("could not remove the object of unregistered file {}: {}", file.id(), e.getMessage());
    }
  }

  private void discard(UploadSession session) {
    try {
      store.abortMultipart(session.blobKey(), session.uploadId());
    } catch (RuntimeException e) {
      log.warn("could not abort stale upload {}: {}", session.uploadId(), e.getMessage());
    }
    sessions.delete(session.id());
  }

  private void checkUnchanged(Path path, long size, long mtime) {
    BasicFileAttributes now = readAttributes(path);
    if (now.size() != size || now.lastModifiedTime().toMillis() != mtime) {
      throw new InvalidInputException(path + " changed while it was being uploaded; run the upload again");
    }
  }

  private String sniff(Path path, String name) {
    return sniff(path, name, detector);
  }

  /** The media type of a file's content, from its first 8 KiB (and its name where the content is ambiguous). */
  public static String sniff(Path path, String name, ContentTypeDetector detector) {
    byte[] head = new byte[SNIFF_BYTES];
    try (InputStream in = Files.newInputStream(path)) {
      int n = in.readNBytes(head, 0, head.length);
      return detector.detect(head, n, name);
    } catch (IOException e) {
      throw new InvalidInputException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  /** The file's attributes, or the one-line error a missing, unreadable or irregular file gets. */
  public static BasicFileAttributes readAttributes(Path path) {
    try {
      BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class);
      if (!attrs.isRegularFile()) {
        throw new InvalidInputException(path + " is not a regular file");
      }
      if (!Files.isReadable(path)) {
        throw new InvalidInputException("cannot read " + path + ": permission denied");
      }
      return attrs;
    } catch (NoSuchFileException e) {
      throw new InvalidInputException("no such file: " + path);
    } catch (AccessDeniedException e) {
      throw new InvalidInputException("cannot read " + path + ": permission denied");
    } catch (IOException e) {
      throw new InvalidInputException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }
}
