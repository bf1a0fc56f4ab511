package dev.ingest.testing;

import dev.ingest.core.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The system clock, plus whatever time a test has skipped ahead. Leases in tests can then be long, so a CI machine
 * that stalls for seconds never lets one run out, and a test that wants one to run out skips past it.
 */
public final class SkipAheadClock implements Clock {
  private final AtomicLong skippedNanos = new AtomicLong();

  @Override
  public Instant now() {
    return Instant.now().plusNanos(skippedNanos.get());
  }

  public void skip(Duration by) {
    skippedNanos.addAndGet(by.toNanos());
  }
}
