package dev.ingest.cli.render;

import dev.ingest.upload.UploadListener;
import dev.ingest.upload.UploadOutcome;
import java.io.PrintWriter;
import java.nio.file.Path;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * One progress bar on stderr for a batch of uploads, however many files go up at once: bytes acknowledged,
 * rate, ETA, and files done of all. Called from the batch's threads.
 */
public final class UploadProgress implements UploadListener, AutoCloseable {
  private final ProgressBar bar;
  private final PrintWriter err;
  private final int files;
  private final java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();

  private UploadProgress(ProgressBar bar, PrintWriter err, int files) {
    this.bar = bar;
    this.err = err;
    this.files = files;
  }

  /** A bar when {@code terminal} is true, otherwise a listener that only passes notes on. */
  public static UploadProgress create(boolean terminal, long totalBytes, int files, PrintWriter err) {
    ProgressBar bar = null;
    if (terminal) {
      bar =
          new ProgressBarBuilder()
              .setTaskName("upload")
              .setInitialMax(Math.max(1, totalBytes))
              .setUnit("MiB", 1024 * 1024)
              .showSpeed()
              .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
              .setUpdateIntervalMillis(200)
              .setConsumer(new ConsoleProgressBarConsumer(System.err))
              .build();
    }
    return new UploadProgress(bar, err, files);
  }

  @Override
  public void fileStarted(Path path, long size) {
    if (bar != null && files == 1) {
      bar.setExtraMessage(" " + path.getFileName());
    }
  }

  @Override
  public void bytesDone(long bytes) {
    if (bar != null) {
      bar.stepBy(bytes);
    }
  }

  @Override
  public void fileFinished(UploadOutcome outcome) {
    fileDone();
  }

  @Override
  public void fileFailed(Path path, RuntimeException error) {
    fileDone();
  }

  private void fileDone() {
    int n = done.incrementAndGet();
    if (bar != null && files > 1) {
      bar.setExtraMessage(" files " + n + "/" + files);
    }
  }

  @Override
  public synchronized void note(String message) {
    err.println("ingest: " + message);
    err.flush();
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
