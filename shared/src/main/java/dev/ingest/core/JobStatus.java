package dev.ingest.core;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The states of a job and the only moves allowed between them. */
public enum JobStatus {
  QUEUED,
  RUNNING,
  RETRYING,
  COMPLETED,
  FAILED,
  CANCELLED;

  private static final Map<JobStatus, Set<JobStatus>> ALLOWED =
      Map.of(
          QUEUED, EnumSet.of(RUNNING, CANCELLED),
          // why: RUNNING -> QUEUED is the hand-back of a worker shutting down before the job finished.
          RUNNING, EnumSet.of(COMPLETED, FAILED, RETRYING, CANCELLED, QUEUED),
          RETRYING, EnumSet.of(RUNNING, CANCELLED),
          COMPLETED, EnumSet.noneOf(JobStatus.class),
          FAILED, EnumSet.of(QUEUED),
          CANCELLED, EnumSet.of(QUEUED));

  public boolean canBecome(JobStatus next) {
    return ALLOWED.get(this).contains(next);
  }

  /** Throws {@link IllegalTransitionException} unless this state may move to {@code next}. */
  public void requireTransition(String jobId, JobStatus next) {
    if (!canBecome(next)) {
      throw new IllegalTransitionException(jobId, this, next);
    }
  }

  public boolean isTerminal() {
    return this == COMPLETED || this == FAILED || this == CANCELLED;
  }

  /** Unfinished jobs hold their dedupe key. */
  public boolean isUnfinished() {
    return this == QUEUED || this == RUNNING || this == RETRYING;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static JobStatus fromWire(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(
          "unknown status '" + value + "' (expected queued, running, retrying, completed, failed or cancelled)");
    }
  }
}
