package dev.ingest.queue.sql;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingest.core.SettableClock;
import dev.ingest.testing.EmbeddedPg;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqlMaintenanceLockTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void oneOwnerAtATimeUntilTheLeaseRunsOut(String engine) {
    String url = engine.equals("sqlite") ? "sqlite:" + dir.resolve("locks.db") : EmbeddedPg.freshDatabase();
    SettableClock clock = new SettableClock();
    try (Database db = Database.open(url, 2)) {
      SqlMaintenanceLock lock = new SqlMaintenanceLock(db, clock);
      assertTrue(lock.tryAcquire("retention", "host-a", Duration.ofMinutes(10)));
      assertFalse(lock.tryAcquire("retention", "host-b", Duration.ofMinutes(10)));
      assertTrue(lock.tryAcquire("retention", "host-a", Duration.ofMinutes(10)), "the owner renews");
      clock.advance(Duration.ofMinutes(11));
      assertTrue(lock.tryAcquire("retention", "host-b", Duration.ofMinutes(10)), "taken over once expired");
      assertFalse(lock.tryAcquire("retention", "host-a", Duration.ofMinutes(10)));
      assertFalse(lock.tryAcquire("no-such-task", "host-a", Duration.ofMinutes(10)));
    }
  }
}
