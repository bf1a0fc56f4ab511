package dev.ingest.queue.sql;

import dev.ingest.core.Clock;
import dev.ingest.queue.MaintenanceLock;
import java.time.Duration;

/** {@link MaintenanceLock} as one conditional UPDATE of a row per task, the same on every engine. */
public final class SqlMaintenanceLock implements MaintenanceLock {
  private final Database db;
  private final Clock clock;

  public SqlMaintenanceLock(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  @Override
  public boolean tryAcquire(String task, String owner, Duration ttl) {
    long now = clock.now().toEpochMilli();
    return db.withHandle(
            h -> h.createUpdate(
                    "UPDATE maintenance_locks SET owner = :owner, expires_at = :expires "
                        + "WHERE name = :task AND (expires_at < :now OR owner = :owner)")
                .bind("owner", owner)
                .bind("expires", now + ttl.toMillis())
                .bind("task", task)
                .bind("now", now)
                .execute())
        == 1;
  }
}
