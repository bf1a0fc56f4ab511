package dev.ingest.worker;

import dev.ingest.pipeline.JobStoppedException;
import dev.ingest.pipeline.JobStoppedException.Reason;
import dev.ingest.queue.Lease;

/** One attempt of a job running on a worker thread, and the flag that asks it to stop. */
public final class Execution {
  private final Lease lease;
  private volatile Reason stopReason;
  private volatile Thread thread;

  public Execution(Lease lease) {
    this.lease = lease;
  }

  public Lease lease() {
    return lease;
  }

  /** Asks the job to stop at its next check; the first reason given wins. */
  public synchronized void requestStop(Reason reason) {
    if (stopReason == null) {
      stopReason = reason;
    }
  }

  /** Asks the job to stop and interrupts its thread, for waits that would not look at the flag in time. */
  public void interrupt(Reason reason) {
    requestStop(reason);
    Thread t = thread;
    if (t != null) {
      t.interrupt();
    }
  }

  public Reason stopReason() {
    return stopReason;
  }

  public void checkStopped() {
    Reason reason = stopReason;
    if (reason != null) {
      throw new JobStoppedException(reason);
    }
  }

  void bind(Thread thread) {
    this.thread = thread;
  }
}
