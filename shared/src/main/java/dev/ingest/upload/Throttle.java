package dev.ingest.upload;

import dev.ingest.core.UnavailableException;
import java.util.function.LongSupplier;

/**
 * Paces bytes to at most {@code bytesPerSecond} on average ({@code --limit-rate}): each caller asks before it
 * reads or sends, and is held until the bytes asked for so far fit the rate since the first ask. Callers on
 * several threads share one budget. After an idle spell at most a tenth of a second's worth passes at once,
 * so a stalled upload does not make up for lost time at full speed.
 */
public final class Throttle {
  /** Paces nothing. */
  public static final Throttle NONE = new Throttle(0, System::nanoTime, Throttle::sleep);

  /** Waits the given nanoseconds; tests pass one that only counts. */
  public interface Sleeper {
    void sleep(long nanos) throws InterruptedException;
  }

  /** How much is asked for at a time by callers that pace a stream: small enough to keep the pace smooth. */
  public static final int SLICE = 64 * 1024;

  private static final long BURST_NANOS = 100_000_000L;

  private final long bytesPerSecond;
  private final LongSupplier nanoTime;
  private final Sleeper sleeper;
  private long due; // when, in nanoTime, the bytes granted so far have been paid for

  public Throttle(long bytesPerSecond, LongSupplier nanoTime, Sleeper sleeper) {
    if (bytesPerSecond < 0) {
      throw new IllegalArgumentException("rate must not be negative");
    }
    this.bytesPerSecond = bytesPerSecond;
    this.nanoTime = nanoTime;
    this.sleeper = sleeper;
    this.due = Long.MIN_VALUE;
  }

  /** A throttle at this many bytes per second; 0 for none. */
  public static Throttle perSecond(long bytesPerSecond) {
    return bytesPerSecond == 0 ? NONE : new Throttle(bytesPerSecond, System::nanoTime, Throttle::sleep);
  }

  public long bytesPerSecond() {
    return bytesPerSecond;
  }

  /** Holds the caller until {@code bytes} more fit the rate. */
  public void acquire(long bytes) {
    if (bytesPerSecond == 0 || bytes <= 0) {
      return;
    }
    long wait;
    synchronized (this) {
      long now = nanoTime.getAsLong();
      long earliest = due == Long.MIN_VALUE ? now : now - BURST_NANOS;
      due = Math.max(due, earliest) + (long) (bytes * 1e9 / bytesPerSecond);
      wait = due - now;
    }
    if (wait > 0) {
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UnavailableException("upload interrupted", e);
      }
    }
  }

  /** {@link #acquire} in slices of {@link #SLICE}, for a caller that moves {@code bytes} in one go. */
  public void acquireSliced(long bytes) {
    for (long left = bytes; left > 0; left -= SLICE) {
      acquire(Math.min(SLICE, left));
    }
  }

  private static void sleep(long nanos) throws InterruptedException {
    Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
  }
}
