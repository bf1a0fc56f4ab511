package dev.ingest.core;

/** How far a running job has come: percent 0..100, the step it is in, and a short message. */
public record JobProgress(int percent, String stage, String message) {
  public static final JobProgress NONE = new JobProgress(0, null, null);

  public JobProgress {
    percent = Math.max(0, Math.min(100, percent));
  }
}
