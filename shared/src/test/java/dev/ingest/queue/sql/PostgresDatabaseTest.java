package dev.ingest.queue.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingest.core.Clock;
import dev.ingest.core.UnavailableException;
import dev.ingest.testing.EmbeddedPg;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PostgresDatabaseTest {
  @Test
  void wrongCredentialsAreAClearUnavailableErrorWithoutThePassword() {
    String url = EmbeddedPg.freshDatabase().replace("postgres:postgres@", "postgres:wrong-secret@");
    // why: the embedded server trusts local connections; a missing database stands in for a refused login.
    String missing = url.replaceAll("/ingest_test_\\d+$", "/no_such_database");
    UnavailableException e = assertThrows(UnavailableException.class, () -> Database.open(missing, 2));
    assertTrue(e.getMessage().contains("unavailable"), e.getMessage());
    assertFalse(e.getMessage().contains("wrong-secret"), e.getMessage());
  }

  @Test
  void aSchemaNewerThanThisBinaryIsRefused() {
    String url = EmbeddedPg.freshDatabase();
    try (Database db = Database.open(url, 2)) {
      db.withHandle(h -> h.execute("INSERT INTO ingest_schema (version, name, applied_at) VALUES (99, 'future', 0)"));
    }
    UnavailableException e = assertThrows(UnavailableException.class, () -> Database.open(url, 2));
    assertTrue(e.getMessage().contains("upgrade ingest"), e.getMessage());
    assertFalse(e.retryable());
  }

  @Test
  void migratingTwiceIsHarmless() {
    String url = EmbeddedPg.freshDatabase();
    Database.open(url, 2).close();
    try (Database db = Database.open(url, 2)) {
      int version = db.withHandle(h -> h.createQuery("SELECT MAX(version) FROM ingest_schema").mapTo(Integer.class).one());
      assertEquals(5, version);
    }
  }

  @Test
  void theDatabaseClockCorrectsAHostWhoseClockIsWrong() {
    try (Database db = Database.open(EmbeddedPg.freshDatabase(), 2)) {
      Clock skewed = () -> Instant.now().minus(Duration.ofMinutes(7));
      Clock corrected = db.clock(skewed);
      long error = Math.abs(Duration.between(Instant.now(), corrected.now()).toMillis());
      assertTrue(error < 1000, "still off by " + error + " ms");
    }
  }
}
