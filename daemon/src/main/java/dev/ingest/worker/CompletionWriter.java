package dev.ingest.worker;

import dev.ingest.queue.Completion;
import dev.ingest.queue.JobQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes successful outcomes in batches: job threads hand their completion over and move on, one writer
 * thread records whatever has gathered in one transaction. A crash before a write only means the job runs
 * again, which at-least-once delivery allows; the lease fence still decides whose outcome counts.
 */
final class CompletionWriter {
  private static final Logger log = LoggerFactory.getLogger(CompletionWriter.class);
  static final int MAX_BATCH = 1000;

  private final java.util.concurrent.atomic.AtomicInteger unwritten = new java.util.concurrent.atomic.AtomicInteger();
  private final JobQueue queue;
  private final LinkedBlockingQueue<Completion> pending = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean stopping;
  private volatile boolean givenUp;

  CompletionWriter(JobQueue queue) {
    this.queue = queue;
    this.thread = new Thread(this::loop, "ingest-complete");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  void submit(Completion completion) {
    unwritten.incrementAndGet();
    pending.add(completion);
  }

  /** Whether every submitted completion is in the database. */
  boolean idle() {
    return unwritten.get() == 0;
  }

  int backlog() {
    return pending.size();
  }

  private void loop() {
    List<Completion> batch = new ArrayList<>();
    while ((!stopping || !pending.isEmpty()) && !givenUp) {
      try {
        Completion first = pending.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        pending.drainTo(batch, MAX_BATCH - 1);
        write(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Throwable t) {
        // why: the database may be away for a moment; keep the outcomes and try again.
        log.warn("could not record {} completion(s), retrying: {}", batch.size(), t.getMessage());
        pending.addAll(batch);
        sleepQuietly(1000);
      } finally {
        batch.clear();
      }
    }
  }

  private void write(List<Completion> batch) {
    Set<String> lost = queue.completeAll(batch);
    unwritten.addAndGet(-batch.size());
    for (Completion c : batch) {
      if (lost.contains(c.lease().jobId())) {
        log.warn("{}: lease lost before its completion was recorded; another attempt owns it", c.lease().jobId());
      } else {
        log.debug("completed {}", c.lease().jobId());
      }
    }
  }

  /** Writes everything still pending, then stops; waits up to {@code millis}. */
  void drainAndStop(long millis) {
    stopping = true;
    try {
      thread.join(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    givenUp = true;
    thread.interrupt();
    int left = unwritten.get();
    if (left > 0) {
      // why: the process is about to end; these jobs' leases run out and another attempt runs them (at least once).
      log.error("{} completion(s) could not be recorded before the worker stopped; those jobs will run again once their leases expire", left);
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
