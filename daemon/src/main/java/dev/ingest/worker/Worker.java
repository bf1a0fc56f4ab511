package dev.ingest.worker;

import dev.ingest.config.Durations;
import dev.ingest.core.Clock;
import dev.ingest.core.IngestException;
import dev.ingest.core.LeaseLostException;
import dev.ingest.core.PermanentFailure;
import dev.ingest.pipeline.JobStoppedException;
import dev.ingest.pipeline.JobStoppedException.Reason;
import dev.ingest.queue.Failure;
import dev.ingest.queue.JobQueue;
import dev.ingest.queue.Lease;
import dev.ingest.queue.LeaseState;
import dev.ingest.queue.WorkerInfo;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The worker daemon's core: claims due jobs while it has free slots, runs each on its own thread, keeps
 * their leases alive, reclaims leases that other workers let expire, stops jobs that run past their time
 * limit, and on shutdown stops claiming, lets running jobs finish within the grace period and hands the rest
 * back to the queue at once.
 */
public final class Worker {
  private static final Logger log = LoggerFactory.getLogger(Worker.class);
  /** How long a job past its time limit has, once interrupted, before its slot is given back regardless. */
  public static final Duration DEFAULT_TIMEOUT_GRACE = Duration.ofSeconds(10);

  private final JobQueue queue;
  private final JobRunner runner;
  private final dev.ingest.queue.Wakeups wakeups;
  private final CompletionWriter completions;
  private volatile WorkerEvents events = WorkerEvents.NONE;
  private volatile java.util.function.IntSupplier beforeDrain = () -> 0;
  private final WorkerOptions options;
  private final Clock clock;
  private final String id;
  /** Claimed and not finished: running on a thread, or claimed ahead and waiting for one. */
  private final Map<String, Execution> running = new ConcurrentHashMap<>();
  /** Running on a thread now (at most the concurrency, plus abandoned ones). */
  private final java.util.Set<Execution> active = ConcurrentHashMap.newKeySet();
  private final ClaimSizer sizer;
  private final Object wake = new Object();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final ThreadPoolExecutor executor;
  private final ScheduledExecutorService heartbeats;
  private final ScheduledExecutorService timers;
  private final Object poolSize = new Object();
  private volatile Duration timeoutGrace = DEFAULT_TIMEOUT_GRACE;
  /** How long shutdown keeps trying to record completions the database refused. */
  private volatile Duration completionDrain = Duration.ofSeconds(30);
  private volatile boolean stopping;
  private boolean wakeRequested; // guarded by wake
  /** A job that finishes with this many or fewer jobs claimed ahead wakes the poller to claim more. */
  private volatile int wakeBelow = Integer.MAX_VALUE;
  private volatile Instant lastHeartbeat;
  private Thread poller;

  public Worker(String id, JobQueue queue, JobRunner runner, WorkerOptions options, Clock clock) {
    this(id, queue, runner, options, clock, dev.ingest.queue.Wakeups.NONE);
  }

  public Worker(
      String id, JobQueue queue, JobRunner runner, WorkerOptions options, Clock clock, dev.ingest.queue.Wakeups wakeups) {
    this.wakeups = wakeups;
    this.completions = new CompletionWriter(queue);
    this.id = id;
    this.queue = queue;
    this.runner = runner;
    this.options = options;
    this.clock = clock;
    this.sizer = new ClaimSizer(options.concurrency(), options.prefetch());
    this.executor =
        new ThreadPoolExecutor(
            options.concurrency(), options.concurrency(), 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
            named("ingest-job"));
    this.heartbeats = Executors.newSingleThreadScheduledExecutor(named("ingest-heartbeat"));
    this.timers = Executors.newSingleThreadScheduledExecutor(named("ingest-time-limit"));
  }

  public String id() {
    return id;
  }

  /** Sets who hears about jobs and leases (metrics); call before {@link #start}. */
  /**
   * With {@code --drain}: work to do before the worker may call itself drained, run once nothing is due and
   * every outcome is recorded; it returns how much it found (e.g. webhook events turned into delivery jobs),
   * and the worker goes on while that is more than zero.
   */
  public Worker beforeDrain(java.util.function.IntSupplier pending) {
    this.beforeDrain = pending;
    return this;
  }

  /** How long a job past its time limit gets, once interrupted, before its slot is given back regardless. */
  public Worker timeoutGrace(Duration grace) {
    this.timeoutGrace = grace;
    return this;
  }

  /** How long shutdown keeps trying to write completions the database refused before it gives them up. */
  public Worker completionDrain(Duration drain) {
    this.completionDrain = drain;
    return this;
  }

  public Worker observedBy(WorkerEvents events) {
    this.events = events;
    return this;
  }

  /** Registers the worker and starts claiming. Returns at once. */
  public void start(String host, long pid) {
    queue.registerWorker(
        new WorkerInfo(
            id, host, pid, String.join(",", options.queues()), options.concurrency(), options.heartbeat(),
            clock.now(), clock.now()));
    lastHeartbeat = clock.now();
    completions.start();
    long every = options.heartbeat().toMillis();
    heartbeats.scheduleWithFixedDelay(this::heartbeat, every, every, TimeUnit.MILLISECONDS);
    poller = new Thread(this::pollLoop, "ingest-poller");
    poller.start();
    wakeups.start(
        queueName -> {
          if (queueName == null || options.queues().isEmpty() || options.queues().contains(queueName)) {
            wakeUp();
          }
        });
    log.info(
        "worker {} started: concurrency {}, queues {}, lease {} ms, heartbeat {} ms",
        id, options.concurrency(), options.queues().isEmpty() ? "all" : options.queues(),
        options.leaseTtl().toMillis(), every);
  }

  /** Blocks until the worker has stopped (drained, or shut down). */
  public void awaitStopped() throws InterruptedException {
    stopped.await();
  }

  public boolean awaitStopped(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public int runningCount() {
    return running.size();
  }

  // ---- claiming -----------------------------------------------------------------------------------

  private void pollLoop() {
    long idle = options.minPoll().toMillis();
    while (!stopping) {
      try {
        int ahead = sizer.ahead(longestRunningNanos());
        int waiting = running.size() - active.size();
        int free = options.concurrency() + ahead - running.size();
        int surplus = sizer.surplus(waiting, Math.max(0, options.concurrency() - active.size()), ahead);
        if (surplus > 0) {
          giveBack(surplus);
        }
        // why: with idle threads claim at once; with threads busy, top the jobs claimed ahead up only once
        // half of them are gone, so short jobs are claimed in batches and not one round trip each.
        boolean claim = active.size() < options.concurrency() ? free > 0 : free > 0 && waiting <= ahead / 2;
        wakeBelow = ahead / 2;
        if (claim) {
          List<Lease> leases = queue.claim(id, options.queues(), free, options.leaseTtl());
          for (Lease lease : leases) {
            launch(lease);
          }
          if (!leases.isEmpty()) {
            idle = options.minPoll().toMillis();
            continue;
          }
          if (options.drain() && running.isEmpty() && completions.idle() && beforeDrain.getAsInt() == 0
              && queue.countDue(options.queues()) == 0) {
            log.info("worker {}: nothing due, drained", id);
            break;
          }
          waitForWake(idle);
          // why: back off only while the queue is empty; a full worker waits for a slot, not for work.
          idle = Math.min(idle * 2, options.maxPoll().toMillis());
        } else {
          waitForWake(options.maxPoll().toMillis());
        }
      } catch (Throwable t) {
        // why: the loop must outlive any error; a dead database is waited out, not fatal.
        // why: while the database is away this repeats every second; one line each, the trace at debug.
        log.error("worker {}: claim loop error (retrying): {}", id, t.getMessage());
        log.debug("claim loop error", t);
        waitForWake(Math.max(1000, options.maxPoll().toMillis()));
      }
    }
    if (options.drain() && !stopping) {
      new Thread(() -> shutdown(options.shutdownGrace()), "ingest-drain").start();
    }
  }

  private long longestRunningNanos() {
    long now = System.nanoTime();
    long longest = 0;
    for (Execution e : active) {
      longest = Math.max(longest, now - e.startedNanos());
    }
    return longest;
  }

  /**
   * Jobs claimed ahead that turned out longer than the claim was sized for: the ones not started yet go back
   * to the queue (their attempt unspent), where idle workers can take them.
   */
  private void giveBack(int n) {
    int given = 0;
    for (Execution e : running.values()) {
      if (given == n) {
        break;
      }
      if (e.giveBack()) {
        given++;
        running.remove(e.lease().jobId(), e);
        try {
          queue.release(e.lease());
        } catch (LeaseLostException lost) {
          // reclaimed meanwhile; nothing to give back
        } catch (RuntimeException ex) {
          // why: unreleased, its lease runs out and the job runs again elsewhere; nothing is lost.
          log.warn("could not give {} back to the queue: {}", e.lease().jobId(), ex.getMessage());
        }
      }
    }
    if (given > 0) {
      log.debug("gave {} job(s) claimed ahead back to the queue: jobs now run longer than claimed for", given);
    }
  }

  private void waitForWake(long millis) {
    synchronized (wake) {
      try {
        if (!wakeRequested) {
          wake.wait(Math.max(1, millis));
        }
        wakeRequested = false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stopping = true;
      }
    }
  }

  private void wakeUp() {
    synchronized (wake) {
      wakeRequested = true;
      wake.notifyAll();
    }
  }

  private void launch(Lease lease) {
    Execution execution = new Execution(lease);
    running.put(lease.jobId(), execution);
    executor.execute(() -> execute(execution));
  }

  // ---- running one job ----------------------------------------------------------------------------

  private void execute(Execution execution) {
    if (!execution.start()) {
      return; // given back to the queue before a thread was free
    }
    Lease lease = execution.lease();
    execution.bind(Thread.currentThread());
    active.add(execution);
    MDC.put("jobId", lease.jobId());
    MDC.put("workerId", id);
    long started = execution.startedNanos();
    ScheduledFuture<?> timer = null;
    try {
      if (stopping) {
        // why: claimed ahead but not started before shutdown began; it goes straight back.
        try {
          queue.release(lease);
        } catch (LeaseLostException e) {
          // already handed back by shutdown
        }
        return;
      }
      log.debug("running {} (pipeline {}, attempt {})", lease.jobId(), lease.job().pipeline(), lease.attempt());
      Duration limit = runner.timeLimit(lease.job());
      if (limit != null) {
        timer = timers.schedule(() -> timeUp(execution, limit), limit.toMillis(), TimeUnit.MILLISECONDS);
      }
      events.jobStarted(lease);
      String result = runner.run(lease, execution);
      if (execution.stopReason() != null) {
        onStopped(execution, execution.stopReason(), started);
      } else if (execution.settle()) {
        completions.submit(new dev.ingest.queue.Completion(lease, result, execution.followUps()));
        events.jobFinished(lease, WorkerEvents.Outcome.COMPLETED, since(started));
      }
    } catch (JobStoppedException e) {
      // why: the worker's reason wins over what a step guessed from its interrupt (e.g. "shutdown").
      onStopped(execution, execution.stopReason() != null ? execution.stopReason() : e.reason(), started);
    } catch (Throwable t) {
      if (execution.stopReason() != null && isInterruption(t)) {
        onStopped(execution, execution.stopReason(), started);
      } else if (execution.stopReason() == Reason.TIMEOUT) {
        // why: a step that fails because it was interrupted (a closed channel, a broken read) failed of the timeout.
        onStopped(execution, Reason.TIMEOUT, started);
      } else {
        onFailure(execution, t, started);
      }
    } finally {
      if (timer != null) {
        timer.cancel(false);
      }
      execution.bind(null);
      Thread.interrupted(); // why: a stale interrupt must not leak into the next job on this thread
      active.remove(execution);
      sizer.finished(System.nanoTime() - started);
      running.remove(lease.jobId(), execution);
      if (execution.abandoned()) {
        resizePool(-1);
        log.info("{}: the step that ran past its time limit returned at last; its thread is free", lease.jobId());
      }
      MDC.clear();
      // why: the poller only claims again once a thread is idle or the jobs claimed ahead ran low; waking it
      // for every finished job would cost a thread switch per job.
      if (running.size() - active.size() <= wakeBelow) {
        wakeUp();
      }
    }
  }

  // ---- time limits --------------------------------------------------------------------------------

  /** The job ran past its limit: ask it to stop, and give it the grace to do so. */
  private void timeUp(Execution execution, Duration limit) {
    if (execution.settled() || execution.stopReason() != null) {
      return;
    }
    log.warn("{} ran past its time limit of {}{}; stopping it", execution.lease().jobId(), Durations.format(limit), inStep(execution));
    execution.interrupt(Reason.TIMEOUT);
    if (execution.stopReason() == Reason.TIMEOUT) {
      timers.schedule(() -> abandon(execution, limit), timeoutGrace.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * The job ignored the stop: record the timeout, give its slot to the next job (one more pool thread while the
   * stuck one runs on) and let its lease go, so nothing waits on a step that never returns.
   */
  private void abandon(Execution execution, Duration limit) {
    if (!execution.settle()) {
      return; // it stopped in time
    }
    Lease lease = execution.lease();
    execution.abandon();
    resizePool(+1);
    active.remove(execution);
    running.remove(lease.jobId(), execution);
    log.error("{} ignored the stop for {}{}; its slot is given back and its thread left to finish",
        lease.jobId(), Durations.format(timeoutGrace), inStep(execution));
    events.jobTimedOut(lease, true);
    recordFailure(lease, Failure.retryable("timeout", timeoutMessage(execution, limit)), null, execution.startedNanos());
    wakeUp();
  }

  private String timeoutMessage(Execution execution, Duration limit) {
    Duration limitNow = limit != null ? limit : runner.timeLimit(execution.lease().job());
    return "ran past its time limit of " + (limitNow == null ? "?" : Durations.format(limitNow)) + inStep(execution);
  }

  private static String inStep(Execution execution) {
    return execution.step() == null ? "" : " in step " + execution.step();
  }

  private void resizePool(int by) {
    synchronized (poolSize) {
      int n = executor.getCorePoolSize() + by;
      if (by > 0) {
        executor.setMaximumPoolSize(n);
        executor.setCorePoolSize(n);
      } else {
        executor.setCorePoolSize(n);
        executor.setMaximumPoolSize(n);
      }
    }
  }

  private static boolean isInterruption(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof InterruptedException || c instanceof ClosedByInterruptException) {
        return true;
      }
    }
    return false;
  }

  private static Duration since(long startedNanos) {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }

  private void onStopped(Execution execution, Reason reason, long started) {
    Lease lease = execution.lease();
    if (!execution.settle()) {
      return; // the worker already recorded this attempt's end (it ran out of time and was let go)
    }
    if (reason == Reason.TIMEOUT) {
      events.jobTimedOut(lease, false);
      recordFailure(lease, Failure.retryable("timeout", timeoutMessage(execution, null)), null, started);
      return;
    }
    events.jobFinished(
        lease,
        reason == Reason.CANCELLED
            ? WorkerEvents.Outcome.CANCELLED
            : reason == Reason.LEASE_LOST ? WorkerEvents.Outcome.LEASE_LOST : WorkerEvents.Outcome.HANDED_BACK,
        since(started));
    try {
      switch (reason) {
        case CANCELLED:
          markCancelled(lease);
          break;
        case LEASE_LOST:
          log.warn("stopped {}: its lease was lost to another worker", lease.jobId());
          break;
        case SHUTDOWN:
          // handed back by shutdown(); nothing to write here
          break;
        default:
          throw new IllegalStateException(reason.name());
      }
    } catch (LeaseLostException e) {
      log.warn("{}: lease lost before the stop was recorded", lease.jobId());
    } catch (RuntimeException e) {
      log.error("{}: could not record the stop: {}", lease.jobId(), e.getMessage(), e);
    }
  }

  private void markCancelled(Lease lease) {
    try {
      queue.markCancelled(lease);
      log.info("cancelled {}", lease.jobId());
    } catch (LeaseLostException e) {
      log.warn("{}: lease lost before the cancellation was recorded", lease.jobId());
    } catch (RuntimeException e) {
      retryLater(lease, "the cancellation", () -> markCancelled(lease), e);
    }
  }

  private void onFailure(Execution execution, Throwable t, long started) {
    if (!execution.settle()) {
      return;
    }
    Failure failure;
    if (t instanceof PermanentFailure) {
      failure = Failure.permanent(((PermanentFailure) t).type(), t.getMessage());
    } else if (t instanceof dev.ingest.core.RetryableFailure) {
      failure = Failure.retryable(((dev.ingest.core.RetryableFailure) t).type(), t.getMessage());
    } else if (t instanceof IngestException) {
      IngestException e = (IngestException) t;
      failure = new Failure(e.getMessage(), e.getClass().getSimpleName().replace("Exception", "").toLowerCase(), e.retryable());
    } else {
      String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
      failure = Failure.retryable("internal", t.getClass().getSimpleName() + ": " + message);
    }
    recordFailure(execution.lease(), failure, t, started);
  }

  /** Writes a failed attempt: retrying or failed, as its attempts and the failure allow. */
  private void recordFailure(Lease lease, Failure failure, Throwable t, long started) {
    try {
      var next = queue.fail(lease, failure);
      events.jobFinished(
          lease,
          next == dev.ingest.core.JobStatus.RETRYING ? WorkerEvents.Outcome.RETRYING : WorkerEvents.Outcome.FAILED,
          since(started));
      if (failure.retryable()) {
        // why: a failure a step reported (peer down, 5xx) is one line; only the unexpected carry a trace.
        if (t == null || t instanceof IngestException) {
          log.warn("attempt {} of {} failed ({}), now {}: {}", lease.attempt(), lease.jobId(), failure.type(), next.wireName(), failure.message());
          if (t != null) {
            log.debug("attempt {} of {} failed", lease.attempt(), lease.jobId(), t);
          }
        } else {
          log.warn("attempt {} of {} failed ({}), now {}: {}", lease.attempt(), lease.jobId(), failure.type(), next.wireName(), failure.message(), t);
        }
      } else {
        log.warn("{} failed permanently ({}): {}", lease.jobId(), failure.type(), failure.message());
      }
    } catch (LeaseLostException e) {
      log.warn("{}: lease lost before the failure was recorded", lease.jobId());
    } catch (RuntimeException e) {
      // why: the attempt is over; were its outcome dropped, the heartbeat would keep its lease alive and
      // the job would show running for ever. It is written again until it lands or the lease is gone.
      retryLater(lease, "the failure", () -> recordFailure(lease, failure, t, started), e);
    }
  }

  /** Writes an attempt's outcome again in a second, while the worker runs; a stopped worker lets the lease run out. */
  private void retryLater(Lease lease, String what, Runnable write, RuntimeException cause) {
    if (timers.isShutdown()) {
      log.error("{}: could not record {}, and the worker is stopping: its lease will run out and it will run again", lease.jobId(), what);
      return;
    }
    log.warn("{}: could not record {} (trying again in 1 s): {}", lease.jobId(), what, cause.getMessage());
    try {
      timers.schedule(write, 1, TimeUnit.SECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      log.error("{}: could not record {}: its lease will run out and it will run again", lease.jobId(), what);
    }
  }

  // ---- leases -------------------------------------------------------------------------------------

  private void heartbeat() {
    try {
      List<Execution> snapshot = new ArrayList<>(running.values());
      Map<String, LeaseState> states = queue.heartbeat(id, options.leaseTtl());
      lastHeartbeat = clock.now();
      events.leasesRenewed(states.size());
      for (Execution e : snapshot) {
        LeaseState state = states.get(e.lease().jobId());
        if (state == null || state.attempt() != e.lease().attempt()) {
          events.leaseLost(e.lease());
          e.requestStop(Reason.LEASE_LOST);
        } else if (state.cancelRequested()) {
          e.requestStop(Reason.CANCELLED);
        }
      }
      int reclaimed = queue.reclaimExpired();
      if (reclaimed > 0) {
        log.info("reclaimed {} job(s) whose lease expired", reclaimed);
      }
    } catch (Throwable t) {
      log.warn("heartbeat failed: {}", t.getMessage());
      if (Duration.between(lastHeartbeat, clock.now()).compareTo(options.leaseTtl()) > 0) {
        // why: past the TTL other workers may already run these jobs; stop ours rather than race them.
        running.values().forEach(e -> e.requestStop(Reason.LEASE_LOST));
      }
    }
  }

  // ---- stopping -----------------------------------------------------------------------------------

  /**
   * Stops claiming, waits up to {@code grace} for running jobs, then hands the unfinished ones back to the
   * queue and interrupts them. Safe to call more than once.
   */
  public synchronized void shutdown(Duration grace) {
    if (stopped.getCount() == 0) {
      return;
    }
    stopping = true;
    wakeUp();
    try {
      if (poller != null && Thread.currentThread() != poller) {
        poller.join(5000);
      }
      executor.shutdown();
      if (!running.isEmpty()) {
        log.info("waiting up to {} ms for {} running job(s)", grace.toMillis(), running.size());
      }
      if (!executor.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        handBack();
        executor.shutdownNow();
        executor.awaitTermination(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      handBack();
      executor.shutdownNow();
    } finally {
      completions.drainAndStop(completionDrain.toMillis());
      heartbeats.shutdownNow();
      timers.shutdownNow();
      wakeups.close();
      try {
        queue.unregisterWorker(id);
      } catch (RuntimeException e) {
        log.warn("could not unregister worker {}: {}", id, e.getMessage());
      }
      log.info("worker {} stopped", id);
      stopped.countDown();
    }
  }

  /** Cuts a shutdown's grace period short: hands every running job back now. */
  public void handBackNow() {
    stopping = true;
    wakeUp();
    handBack();
    executor.shutdownNow();
  }

  private void handBack() {
    for (Execution e : running.values()) {
      e.interrupt(Reason.SHUTDOWN);
      try {
        queue.release(e.lease());
        log.info("handed {} back to the queue", e.lease().jobId());
      } catch (LeaseLostException ex) {
        // it finished (or was reclaimed) in the meantime
      } catch (RuntimeException ex) {
        log.error("could not hand {} back: {}", e.lease().jobId(), ex.getMessage());
      }
    }
  }

  private static java.util.concurrent.ThreadFactory named(String prefix) {
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
