package dev.ingest.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ThrottleTest {
  private static final long MIB = 1024 * 1024;

  /** A clock that moves only when the throttle sleeps, so time is exactly what pacing asked for. */
  private static final class FakeTime {
    final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    final AtomicLong slept = new AtomicLong();

    Throttle throttle(long rate) {
      return new Throttle(rate, now::get, nanos -> {
        slept.addAndGet(nanos);
        now.addAndGet(nanos);
      });
    }
  }

  @Test
  void bytesTakeTheTimeTheRateAllows() {
    FakeTime time = new FakeTime();
    Throttle throttle = time.throttle(10 * MIB);
    throttle.acquireSliced(30 * MIB);
    assertEquals(3_000_000_000L, time.slept.get(), 1_000_000);
  }

  @Test
  void noRateMeansNoWait() {
    FakeTime time = new FakeTime();
    time.throttle(0).acquireSliced(30 * MIB);
    Throttle.NONE.acquire(Long.MAX_VALUE / 2);
    assertEquals(0, time.slept.get());
  }

  @Test
  void callersOnSeveralThreadsShareOneBudget() throws Exception {
    long now = 5_000_000_000L;
    AtomicLong longestWait = new AtomicLong();
    // why: time stands still, so each wait is how far ahead of now the budget has been spent.
    Throttle throttle = new Throttle(4 * MIB, () -> now, nanos -> longestWait.accumulateAndGet(nanos, Math::max));
    Thread[] threads = new Thread[4];
    for (int i = 0; i < threads.length; i++) {
      threads[i] = new Thread(() -> throttle.acquireSliced(2 * MIB));
      threads[i].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    // 8 MiB at 4 MiB/s: the last bytes granted are due two seconds from the start, whoever asked for them.
    assertEquals(2_000_000_000L, longestWait.get(), 1_000_000);
  }

  @Test
  void anIdleSpellEarnsAtMostATenthOfASecond() {
    FakeTime time = new FakeTime();
    Throttle throttle = time.throttle(10 * MIB);
    throttle.acquire(MIB); // 0.1 s
    time.now.addAndGet(60_000_000_000L); // a minute idle
    long before = time.slept.get();
    throttle.acquireSliced(10 * MIB); // 1 s of bytes, of which 0.1 s is the allowed burst
    assertEquals(900_000_000L, time.slept.get() - before, 1_000_000);
  }
}
