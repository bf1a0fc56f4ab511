package dev.ingest.worker;

import dev.ingest.blob.BlobStore;
import dev.ingest.core.Clock;
import dev.ingest.core.FileRef;
import dev.ingest.core.Job;
import dev.ingest.core.JobProgress;
import dev.ingest.core.LeaseLostException;
import dev.ingest.core.PermanentFailure;
import dev.ingest.pipeline.Document;
import dev.ingest.pipeline.JobStoppedException;
import dev.ingest.pipeline.JobStoppedException.Reason;
import dev.ingest.pipeline.StepContext;
import dev.ingest.queue.JobQueue;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/** The {@link StepContext} of one attempt: progress throttled into the queue, the file fetched once. */
final class ExecutionContext implements StepContext {
  static final Duration PROGRESS_INTERVAL = Duration.ofMillis(500);

  private final Execution execution;
  private final JobQueue queue;
  private final BlobStore store;
  private final Clock clock;
  private final String workDirPrefix;
  private Path workDir;
  private final Document document = new Document();
  private final int stepCount;
  private int stepIndex;
  private String stage;
  private String lastStage;
  private Instant lastWrite = Instant.EPOCH;
  private Path localFile;

  ExecutionContext(
      Execution execution, JobQueue queue, BlobStore store, Clock clock, String workDirPrefix, int stepCount) {
    this.execution = execution;
    this.queue = queue;
    this.store = store;
    this.clock = clock;
    this.workDirPrefix = workDirPrefix;
    this.stepCount = Math.max(1, stepCount);
  }

  void enterStep(int index, String name) {
    execution.step(name);
    this.stepIndex = index;
    this.stage = name;
    progress(0, null);
  }

  @Override
  public Job job() {
    return execution.lease().job();
  }

  @Override
  public Document document() {
    return document;
  }

  @Override
  public Path workDir() {
    if (workDir == null) {
      try {
        workDir = Files.createTempDirectory(workDirPrefix);
      } catch (IOException e) {
        throw new dev.ingest.core.UnavailableException("cannot create a scratch folder: " + e.getMessage(), e);
      }
    }
    return workDir;
  }

  java.util.Optional<Path> workDirIfCreated() {
    return java.util.Optional.ofNullable(workDir);
  }

  @Override
  public BlobStore store() {
    return store;
  }

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public void checkStopped() {
    execution.checkStopped();
  }

  @Override
  public void progress(int percent, String message) {
    int overall = (stepIndex * 100 + Math.max(0, Math.min(100, percent))) / stepCount;
    Instant now = clock.now();
    boolean due =
        !java.util.Objects.equals(stage, lastStage)
            || Duration.between(lastWrite, now).compareTo(PROGRESS_INTERVAL) >= 0;
    if (!due) {
      return;
    }
    try {
      boolean cancel = queue.reportProgress(execution.lease(), new JobProgress(overall, stage, message));
      lastWrite = now;
      lastStage = stage;
      if (cancel) {
        execution.requestStop(Reason.CANCELLED);
      }
    } catch (LeaseLostException e) {
      execution.requestStop(Reason.LEASE_LOST);
    }
    execution.checkStopped();
  }

  @Override
  public Path localFile() {
    if (localFile == null) {
      localFile = fetch(job().file());
    }
    return localFile;
  }

  private Path fetch(FileRef file) {
    if (file == null) {
      throw new PermanentFailure("no_file", "job " + job().id() + " has no file to work on");
    }
    Path target = workDir().resolve("input");
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = store.get(file.blobKey());
        OutputStream out = new DigestOutputStream(Files.newOutputStream(target), sha)) {
      in.transferTo(out);
    } catch (IOException e) {
      throw new dev.ingest.core.UnavailableException("cannot fetch " + file.blobKey() + ": " + e.getMessage(), e);
    }
    String actual = HexFormat.of().formatHex(sha.digest());
    if (file.sha256() != null && !file.sha256().equals(actual)) {
      throw new PermanentFailure(
          "integrity", file.name() + ": stored object " + file.blobKey() + " does not match its SHA-256");
    }
    return target;
  }

  void stopIfAsked() {
    if (execution.stopReason() != null) {
      throw new JobStoppedException(execution.stopReason());
    }
  }

  @Override
  public void enqueueOnCompletion(dev.ingest.core.NewJob job) {
    execution.followUp(job);
  }
}
