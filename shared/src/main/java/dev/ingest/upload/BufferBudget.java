package dev.ingest.upload;

import dev.ingest.core.UnavailableException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A bound on the bytes of part buffers that the uploads of one process hold at once, so that memory stays
 * bounded however many large uploads arrive together: a request that would go over it waits for another to
 * give its buffer back (its client is slowed by TCP meanwhile), and after {@link #WAIT_SECONDS} gives up with
 * an {@link UnavailableException}. Each upload holds at most one part buffer, so none can starve the others.
 */
public final class BufferBudget {
  static final long WAIT_SECONDS = 30;
  private static final int UNIT = 1024;

  public static final BufferBudget UNLIMITED = new BufferBudget(Long.MAX_VALUE / 2);

  private final Semaphore kib;
  private final long bytes;
  private final long waitMillis;

  public BufferBudget(long bytes) {
    this(bytes, java.time.Duration.ofSeconds(WAIT_SECONDS));
  }

  public BufferBudget(long bytes, java.time.Duration wait) {
    this.bytes = bytes;
    this.kib = new Semaphore((int) Math.min(Integer.MAX_VALUE, bytes / UNIT), true);
    this.waitMillis = wait.toMillis();
  }

  /** A budget of {@code share} of the heap this JVM may grow to. */
  public static BufferBudget ofHeap(double share) {
    return new BufferBudget((long) (Runtime.getRuntime().maxMemory() * share));
  }

  public long bytes() {
    return bytes;
  }

  /** Takes {@code n} bytes of the budget, waiting while others hold it. */
  void acquire(long n) {
    int units = units(n);
    try {
      if (!kib.tryAcquire(units, waitMillis, TimeUnit.MILLISECONDS)) {
        throw new UnavailableException("the server is busy receiving other uploads; try again shortly", null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted while waiting for a buffer", e);
    }
  }

  void release(long n) {
    kib.release(units(n));
  }

  private static int units(long n) {
    return (int) Math.min(Integer.MAX_VALUE, (n + UNIT - 1) / UNIT);
  }
}
