package dev.ingest.cli.render;

import dev.ingest.upload.UploadListener;
import dev.ingest.upload.UploadOutcome;
import java.io.PrintWriter;
import java.nio.file.Path;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar on stderr for a batch of uploads: bytes acknowledged, rate, ETA, and file n of m. */
public final class UploadProgress implements UploadListener, AutoCloseable {
  private final ProgressBar bar;
  private final PrintWriter err;
  private final int files;
  private int current;

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
    current++;
    if (bar != null) {
      bar.setExtraMessage(" file " + current + "/" + files + " " + path.getFileName());
    }
  }

  @Override
  public void bytesDone(long bytes) {
    if (bar != null) {
      bar.stepBy(bytes);
    }
  }

  @Override
  public void fileFinished(UploadOutcome outcome) {}

  @Override
  public void note(String message) {
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
