package dev.ingest.pipeline;

/** Raised inside a running job when it must stop: cancelled, lease lost, over its time, or the worker shutting down. */
public final class JobStoppedException extends RuntimeException {
  /** Why a job was stopped from outside. */
  public enum Reason {
    CANCELLED,
    LEASE_LOST,
    SHUTDOWN,
    /** The job ran past its time limit. */
    TIMEOUT
  }

  private final Reason reason;

  public JobStoppedException(Reason reason) {
    super("job stopped: " + reason.name().toLowerCase(java.util.Locale.ROOT), null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
