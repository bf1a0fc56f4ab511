package dev.ingest.queue.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ingest.core.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Test;

class DatabaseClockTest {
  /** A local clock that reads out a script, then stays at its last reading. */
  private static final class ScriptedClock implements Clock {
    private final Deque<Instant> readings = new ArrayDeque<>();
    private Instant last = Instant.EPOCH;

    ScriptedClock read(long... millis) {
      for (long m : millis) {
        readings.add(Instant.ofEpochMilli(m));
      }
      return this;
    }

    @Override
    public Instant now() {
      if (!readings.isEmpty()) {
        last = readings.poll();
      }
      return last;
    }
  }

  @Test
  void theOffsetComesFromTheReadWithTheShortestRoundTrip() {
    // local readings before and after each server read: a slow first read (40 ms, as a fresh process's
    // first query is), then a 2 ms one, then 10 ms ones
    ScriptedClock local = new ScriptedClock().read(1_000, 1_040, 2_000, 2_002, 3_000, 3_010, 4_000, 4_010, 5_000, 5_010);
    long[] server = {1_030 + 60_000, 2_001 + 60_000, 3_009 + 60_000, 4_001 + 60_000, 5_008 + 60_000};
    int[] read = {0};

    DatabaseClock clock = new DatabaseClock(local, () -> server[read[0]++]);

    assertEquals(DatabaseClock.SAMPLES, read[0]);
    // the 2 ms read: midpoint 2,001 locally, 62,001 on the server
    assertEquals(Duration.ofMillis(60_000), clock.offset());
  }

  @Test
  void aHostWhoseClockIsWrongGetsTheServersTime() {
    ScriptedClock local = new ScriptedClock().read(0, 1, 10, 11, 20, 21, 30, 31, 40, 41, 50);
    long[] server = {600_000, 600_010, 600_020, 600_030, 600_040};
    int[] read = {0};

    DatabaseClock clock = new DatabaseClock(local, () -> server[read[0]++]);

    assertEquals(Instant.ofEpochMilli(600_050), clock.now());
  }
}
