package dev.ingest.worker;

import dev.ingest.queue.Lease;
import java.time.Duration;

/** What a worker tells observers (metrics) about the jobs it runs and the leases it holds. */
public interface WorkerEvents {
  /** The end of an attempt, from the worker's side. */
  enum Outcome {
    COMPLETED,
    RETRYING,
    FAILED,
    CANCELLED,
    LEASE_LOST,
    HANDED_BACK
  }

  default void jobStarted(Lease lease) {}

  default void jobFinished(Lease lease, Outcome outcome, Duration took) {}

  /**
   * An attempt ran past its time limit and was stopped; {@code abandoned} when it ignored the interrupt and
   * its slot was given back with its thread still running.
   */
  default void jobTimedOut(Lease lease, boolean abandoned) {}

  default void leasesRenewed(int count) {}

  default void leaseLost(Lease lease) {}

  WorkerEvents NONE = new WorkerEvents() {};
}
