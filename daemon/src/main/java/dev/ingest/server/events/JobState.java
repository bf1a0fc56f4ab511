package dev.ingest.server.events;

import dev.ingest.core.Job;
import java.util.Objects;

/**
 * What a client of the event stream sees change: status, attempts, cancellation, progress and error. Its
 * hash is the event id, so a client that reconnects with {@code Last-Event-ID} gets an event exactly when
 * the job changed since the one it saw.
 */
record JobState(String status, int attempts, boolean cancelRequested, int percent, String stage, String message, String error) {
  static JobState of(Job job) {
    return new JobState(
        job.status().wireName(), job.attempts(), job.cancelRequested(), job.progress().percent(), job.progress().stage(),
        job.progress().message(), job.error() == null ? null : job.error().type() + ":" + job.error().message());
  }

  /** Whether the change from {@code before} is one of status (else only progress moved). */
  boolean statusChangedFrom(JobState before) {
    return before == null || !status.equals(before.status) || attempts != before.attempts
        || cancelRequested != before.cancelRequested || !Objects.equals(error, before.error);
  }

  String eventId() {
    long h = 1125899906842597L;
    for (String s : new String[] {status, stage, message, error}) {
      h = 31 * h + (s == null ? 0 : s.hashCode());
    }
    h = 31 * h + attempts;
    h = 31 * h + percent;
    h = 31 * h + (cancelRequested ? 1 : 0);
    return String.format("%016x", h);
  }
}
