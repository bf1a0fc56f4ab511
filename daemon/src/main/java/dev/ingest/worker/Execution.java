package dev.ingest.worker;

import dev.ingest.pipeline.JobStoppedException;
import dev.ingest.pipeline.JobStoppedException.Reason;
import dev.ingest.queue.Lease;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One attempt of a job running on a worker thread, the flag that asks it to stop, and who gets to record its
 * outcome: the thread when it returns, or the worker when the attempt ran out of time and ignored the stop.
 */
public final class Execution {
  private final Lease lease;
  private final AtomicBoolean settled = new AtomicBoolean();
  private final java.util.concurrent.atomic.AtomicInteger phase = new java.util.concurrent.atomic.AtomicInteger(); // WAITING, STARTED, GIVEN_BACK
  private volatile Reason stopReason;
  private volatile String step;
  private volatile boolean abandoned;
  private volatile long startedNanos;
  private Thread thread; // guarded by this
  private final java.util.List<dev.ingest.core.NewJob> followUps = new java.util.concurrent.CopyOnWriteArrayList<>();

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
  public synchronized void interrupt(Reason reason) {
    requestStop(reason);
    if (thread != null) {
      thread.interrupt();
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

  /** why: synchronized with {@link #interrupt}, so an interrupt never reaches the thread's next job. */
  synchronized void bind(Thread thread) {
    this.thread = thread;
    if (thread != null) {
      startedNanos = System.nanoTime();
    }
  }

  long startedNanos() {
    return startedNanos;
  }

  /** Jobs to enqueue with this attempt's completion. */
  void followUp(dev.ingest.core.NewJob job) {
    followUps.add(job);
  }

  java.util.List<dev.ingest.core.NewJob> followUps() {
    return java.util.List.copyOf(followUps);
  }

  /** The step running now, for messages. */
  void step(String name) {
    this.step = name;
  }

  String step() {
    return step;
  }

  /** True when this attempt may run: claimed ahead, it was not given back to the queue first. */
  boolean start() {
    return phase.compareAndSet(0, 1);
  }

  /** True when this attempt, claimed ahead, had not started and now never will: its lease goes back to the queue. */
  boolean giveBack() {
    return phase.compareAndSet(0, 2);
  }

  boolean waiting() {
    return phase.get() == 0;
  }

  /** True for the one caller that records this attempt's outcome; false for everyone after it. */
  boolean settle() {
    return settled.compareAndSet(false, true);
  }

  boolean settled() {
    return settled.get();
  }

  /** The worker gave this attempt's slot back while its thread still runs. */
  void abandon() {
    abandoned = true;
  }

  boolean abandoned() {
    return abandoned;
  }
}
