package dev.ingest.core;

import java.time.Instant;

/** The source of "now" for everything that schedules or expires. Tests use {@link SettableClock}. */
public interface Clock {
  Instant now();

  Clock SYSTEM = Instant::now;
}
