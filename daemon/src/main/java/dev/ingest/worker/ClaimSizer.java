package dev.ingest.worker;

import java.time.Duration;

/**
 * How many jobs a worker claims beyond its free threads, sized from how long its jobs take.
 *
 * <p>Claiming ahead keeps threads busy between round trips to the database, which matters when jobs take
 * less than a round trip; for long jobs it only hoards work that idle workers could run. So the worker keeps
 * about {@link #HORIZON} of work claimed ahead: none while it has seen no job finish or a job runs longer
 * than the horizon, up to {@link #MAX_AHEAD} for jobs of microseconds. A fixed {@code --prefetch N} turns the
 * sizing off.
 */
final class ClaimSizer {
  /** The work a worker keeps claimed ahead of its threads. */
  static final Duration HORIZON = Duration.ofMillis(100);
  /** The most jobs claimed ahead, whatever their length. */
  static final int MAX_AHEAD = 1024;
  private static final double WEIGHT = 0.1; // of the newest job in the running average

  private final int concurrency;
  private final int fixed; // WorkerOptions.AUTO for sizing
  private final long horizonNanos;
  private double averageNanos = -1; // guarded by this; -1 until a job finished

  ClaimSizer(int concurrency, int prefetch) {
    this(concurrency, prefetch, HORIZON);
  }

  ClaimSizer(int concurrency, int prefetch, Duration horizon) {
    this.concurrency = concurrency;
    this.fixed = prefetch;
    this.horizonNanos = horizon.toNanos();
  }

  boolean sizing() {
    return fixed == WorkerOptions.AUTO;
  }

  /** A job ran this long on its thread. */
  synchronized void finished(long nanos) {
    averageNanos = averageNanos < 0 ? nanos : averageNanos + WEIGHT * (nanos - averageNanos);
  }

  /**
   * Jobs to hold claimed beyond the threads, given how long the longest-running job has been running now
   * (0 when none runs): a job running past the average counts as that long, so a turn from short jobs to long
   * ones stops the claiming ahead at once, not after the long ones finished.
   */
  int ahead(long longestRunningNanos) {
    if (!sizing()) {
      return fixed;
    }
    double average;
    synchronized (this) {
      average = averageNanos;
    }
    if (average < 0) {
      return 0;
    }
    double perJob = Math.max(Math.max(average, longestRunningNanos), 1_000);
    if (perJob >= horizonNanos) {
      return 0;
    }
    return (int) Math.min(MAX_AHEAD, concurrency * (horizonNanos / perJob));
  }

  /**
   * How many of the {@code waiting} jobs (claimed, not yet on a thread) to give back to the queue. Jobs that idle
   * threads are about to start are not ahead of anything (a job just claimed waits a moment for its thread);
   * of the rest, only those beyond twice the target go, down to the target, so the average's wobble does not
   * churn leases. Never with a fixed {@code --prefetch}.
   */
  int surplus(int waiting, int idleThreads, int ahead) {
    if (!sizing() || waiting <= idleThreads + 2 * ahead) {
      return 0;
    }
    return waiting - idleThreads - ahead;
  }
}
