package dev.ingest.queue.sql;

import java.util.concurrent.locks.LockSupport;
import org.sqlite.BusyHandler;

/**
 * How a connection waits while another holds SQLite's write lock: short parks that grow from 50 µs to 1 ms,
 * for up to the busy timeout. why: SQLite's own busy handler sleeps 1, 2, 5, 10, 15, 20, 25, … up to 100 ms
 * between tries, so under many concurrent writers (a server taking uploads) a write that just missed the lock
 * waited tens of milliseconds after it was free; at 50 concurrent uploads that was most of the 99th
 * percentile's latency.
 */
final class SqliteBusyWait extends BusyHandler {
  private static final ThreadLocal<long[]> SINCE = ThreadLocal.withInitial(() -> new long[1]);
  private final long timeoutNanos;

  SqliteBusyWait(java.time.Duration timeout) {
    this.timeoutNanos = timeout.toNanos();
  }

  @Override
  protected int callback(int tries) {
    long now = System.nanoTime();
    long[] since = SINCE.get();
    if (tries == 0) {
      since[0] = now;
    } else if (now - since[0] > timeoutNanos) {
      return 0; // SQLITE_BUSY: the caller reports the database as locked
    }
    LockSupport.parkNanos(Math.min(1_000_000L, 50_000L << Math.min(tries, 5)));
    return 1;
  }
}
