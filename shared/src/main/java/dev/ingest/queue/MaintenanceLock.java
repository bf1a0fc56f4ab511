package dev.ingest.queue;

import java.time.Duration;

/** A lease on an upkeep task, so that among many workers on many hosts one runs it at a time. */
public interface MaintenanceLock {
  /** Takes or renews the lease on {@code task} for {@code ttl}; false while another owner holds it. */
  boolean tryAcquire(String task, String owner, Duration ttl);
}
