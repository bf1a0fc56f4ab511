package dev.ingest.queue.sql;

import dev.ingest.core.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database server's clock, read without a round trip per use: the offset between the server and this
 * host is measured now and then (half the round trip corrected), and added to the local clock. Every host
 * that shares the database thus agrees on lease times, however wrong its own clock is.
 */
public final class DatabaseClock implements Clock {
  private static final Logger log = LoggerFactory.getLogger(DatabaseClock.class);
  static final Duration REFRESH = Duration.ofSeconds(30);
  /** Reads of the server's clock per measurement; the one with the shortest round trip is kept. */
  static final int SAMPLES = 5;

  private final Clock local;
  private final LongSupplier serverMillis;
  private final AtomicLong offsetMillis = new AtomicLong();
  private volatile long measuredAt = Long.MIN_VALUE;

  public DatabaseClock(Clock local, LongSupplier serverMillis) {
    this.local = local;
    this.serverMillis = serverMillis;
    measure();
  }

  @Override
  public Instant now() {
    long nowNanos = System.nanoTime();
    if (nowNanos - measuredAt > REFRESH.toNanos()) {
      try {
        measure();
      } catch (RuntimeException e) {
        log.warn("could not read the database clock, keeping the last offset: {}", e.getMessage());
        measuredAt = nowNanos;
      }
    }
    return local.now().plusMillis(offsetMillis.get());
  }

  /** How far the database clock is ahead of the local one. */
  public Duration offset() {
    return Duration.ofMillis(offsetMillis.get());
  }

  private void measure() {
    // why: the offset is only as good as the round trip is short, and the first reads of a fresh process
    // are slow (connection, class loading, no JIT yet): that error, up to half the round trip, stayed
    // for the next 30 s and showed as milliseconds of pickup latency. The quickest of a few reads wins.
    long bestRoundTrip = Long.MAX_VALUE;
    long bestOffset = 0;
    for (int i = 0; i < SAMPLES; i++) {
      Instant before = local.now();
      long server = serverMillis.getAsLong();
      Instant after = local.now();
      long roundTripNanos = Duration.between(before, after).toNanos();
      if (roundTripNanos < bestRoundTrip) {
        bestRoundTrip = roundTripNanos;
        Instant midpoint = before.plusNanos(roundTripNanos / 2);
        bestOffset = server - midpoint.toEpochMilli();
      }
    }
    offsetMillis.set(bestOffset);
    measuredAt = System.nanoTime();
    if (Math.abs(bestOffset) > 1000) {
      log.info("this host's clock is {} ms off the database's; using the database's", -bestOffset);
    }
  }
}
