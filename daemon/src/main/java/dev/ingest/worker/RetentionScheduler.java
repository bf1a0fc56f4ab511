package dev.ingest.worker;

import dev.ingest.queue.MaintenanceLock;
import dev.ingest.retention.RetentionService;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs retention from a worker every {@code interval}. Every worker may have it on; the maintenance lock
 * lets one of them, on one host, do it at a time.
 */
public final class RetentionScheduler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RetentionScheduler.class);
  static final String TASK = "retention";

  private final RetentionService retention;
  private final MaintenanceLock lock;
  private final String owner;
  private final Duration olderThan;
  private final Duration interval;
  private final ScheduledExecutorService timer;
  private volatile int runs;

  public RetentionScheduler(
      RetentionService retention, MaintenanceLock lock, String owner, Duration olderThan, Duration interval) {
    this.retention = retention;
    this.lock = lock;
    this.owner = owner;
    this.olderThan = olderThan;
    this.interval = interval;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ingest-retention");
      t.setDaemon(true);
      return t;
    });
  }

  public RetentionScheduler start() {
    timer.scheduleWithFixedDelay(this::tick, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** How many times this scheduler held the lock and ran retention. */
  public int runs() {
    return runs;
  }

  void tick() {
    try {
      if (!lock.tryAcquire(TASK, owner, interval.plus(interval))) {
        return;
      }
      runs++;
      RetentionService.Report report = retention.cleanup(olderThan, false);
      if (report.jobs() + report.files() + report.uploads() > 0) {
        log.info("retention removed {} job(s), {} file(s), {} abandoned upload(s)", report.jobs(), report.files(), report.uploads());
      }
    } catch (Throwable t) {
      log.warn("retention failed, will try again: {}", t.getMessage());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
