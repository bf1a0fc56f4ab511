package dev.ingest.cli.client;

import dev.ingest.upload.PartSizer;
import dev.ingest.upload.UploadListener;
import dev.ingest.upload.UploadOutcome;
import dev.ingest.upload.UploadRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Uploads many files through one client, several at once, and hands each file's result on in the order the
 * files were given, as soon as it and every file before it are done. A file that fails does not stop the
 * others: its result carries the error.
 *
 * <p>Memory stays bounded: a file takes a share of {@code memory} while it is sent, its size or its part
 * buffers (parts in flight plus one being read), whichever is smaller; a file that would go over waits for
 * others to finish, so many small files go up together and a few large ones take turns. Once a file finds the
 * database or store unavailable, files not yet started are skipped.
 */
public final class BatchUpload {
  /**
   * One file's outcome, or what stopped it; {@code skipped}: never started, because the database or store was
   * found unavailable by an earlier file ({@code error} is that file's).
   */
  public record Result(Path path, UploadOutcome outcome, RuntimeException error, boolean skipped) {
    public boolean failed() {
      return error != null;
    }
  }

  private final IngestClient client;
  private final UploadRequest request;
  private final int jobs;
  private final long memory;
  private final java.util.concurrent.atomic.AtomicReference<RuntimeException> unavailable =
      new java.util.concurrent.atomic.AtomicReference<>();

  public BatchUpload(IngestClient client, UploadRequest request, int jobs, long memory) {
    this.client = client;
    this.request = request;
    this.jobs = jobs;
    this.memory = memory;
  }

  /** Uploads every file; {@code inOrder} hears each result in the order of {@code files}. */
  public List<Result> run(List<Path> files, UploadListener listener, Consumer<Result> inOrder) throws InterruptedException {
    int kib = (int) Math.min(Integer.MAX_VALUE, Math.max(1, memory / 1024));
    Semaphore budget = new Semaphore(kib);
    AtomicInteger threads = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.max(1, Math.min(jobs, files.size())),
            r -> {
              Thread t = new Thread(r, "ingest-upload-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<Result>> pending = new ArrayList<>(files.size());
      for (Path file : files) {
        pending.add(pool.submit(() -> uploadOne(file, listener, budget, kib)));
      }
      List<Result> results = new ArrayList<>(files.size());
      for (Future<Result> f : pending) {
        Result result;
        try {
          result = f.get();
        } catch (ExecutionException e) {
          throw new IllegalStateException(e.getCause()); // uploadOne catches what an upload throws
        }
        results.add(result);
        inOrder.accept(result);
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  private Result uploadOne(Path file, UploadListener listener, Semaphore budget, int budgetKib) throws InterruptedException {
    int share = (int) Math.min(budgetKib, Math.max(1, needs(file) / 1024));
    budget.acquire(share);
    try {
      // why: checked once the file's memory is granted, so a file that waited for it while another found the
      // database or store down is not started either
      RuntimeException down = unavailable.get();
      if (down != null) {
        listener.fileFailed(file, down);
        return new Result(file, null, down, true);
      }
      return new Result(file, client.upload(file, request, listener), null, false);
    } catch (RuntimeException e) {
      if (e instanceof dev.ingest.core.UnavailableException) {
        // why: a database or store that is down fails every file alike; the rest are not started, so the
        // user reads one error, and the same command run again continues where this one stopped.
        unavailable.compareAndSet(null, e);
      }
      listener.fileFailed(file, e);
      return new Result(file, null, e, false);
    } finally {
      budget.release(share);
    }
  }

  /** The bytes a file holds in memory while it is sent: itself when small, else its part buffers. */
  private long needs(Path file) {
    long size;
    try {
      size = Files.size(file);
    } catch (java.io.IOException e) {
      return 1; // the upload itself will say what is wrong with it
    }
    long part = PartSizer.choose(size, request.partSize());
    return Math.min(size, (request.parallel() + 1L) * part);
  }
}
