package dev.ingest.queue.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingest.core.Clock;
import dev.ingest.core.UnavailableException;
import dev.ingest.testing.EmbeddedPg;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresDatabaseTest {
  @Test
  void aMissingDatabaseIsAClearUnavailableErrorWithoutThePassword() {
    String url = EmbeddedPg.freshDatabase().replace("postgres:postgres@", "postgres:wrong-secret@");
    String missing = url.replaceAll("/ingest_test_\\d+$", "/no_such_database");
    UnavailableException e = assertThrows(UnavailableException.class, () -> Database.open(missing, 2));
    assertTrue(e.getMessage().contains("unavailable"), e.getMessage());
    assertFalse(e.getMessage().contains("wrong-secret"), e.getMessage());
  }

  @Test
  void wrongCredentialsOnAServerThatChecksPasswordsAreAClearErrorWithoutThePassword(@TempDir Path data)
      throws Exception {
    // why: the shared embedded server trusts local logins; this one is switched to password checks.
    try (EmbeddedPostgres server =
        EmbeddedPostgres.builder().setDataDirectory(data.resolve("pg")).setCleanDataDirectory(true).start()) {
      try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
        s.execute("SET password_encryption = 'scram-sha-256'");
        s.execute("CREATE ROLE ingest_app LOGIN PASSWORD 'right-secret'");
        Files.writeString(
            data.resolve("pg").resolve("pg_hba.conf"),
            "host all all 127.0.0.1/32 scram-sha-256\nhost all all ::1/128 scram-sha-256\n");
        s.execute("SELECT pg_reload_conf()");
      }
      String base = "@localhost:" + server.getPort() + "/postgres";

      UnavailableException e =
          assertThrows(UnavailableException.class, () -> Database.open("postgresql://ingest_app:wrong-secret" + base, 2));
      assertTrue(e.getMessage().contains("password authentication failed"), e.getMessage());
      assertFalse(e.getMessage().contains("wrong-secret"), e.getMessage());
      assertFalse(e.retryable());

      // the same server lets the right password in, so the refusal above was the password's
      try (Database db = Database.open("postgresql://ingest_app:right-secret" + base, 2)) {
        assertTrue(db.schemaVersion() > 0);
      }
    }
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
      assertEquals(11, version);
    }
  }

  @Test
  void anInstallationWithSubscribersKeepsRecordingEventsThroughTheUpgrade() {
    String url = EmbeddedPg.freshDatabase();
    try (Database old = Database.connect(url, 2)) {
      new Migrator(old).migrate(5); // before the trigger became subscription-only (V6) and V7's column changes
      old.withHandle(h -> h.execute("INSERT INTO event_subscriptions (name, updated_at) VALUES ('webhooks', 0)"));
    }
    try (Database db = Database.open(url, 2)) {
      SqlJobQueue queue = new SqlJobQueue(db, Clock.SYSTEM, dev.ingest.core.RetryPolicy.DEFAULT);
      queue.enqueue(dev.ingest.core.NewJob.builder("p").build());
      queue.complete(queue.claim("w", List.of(), 1, Duration.ofSeconds(30)).get(0), "{}");

      int triggers = db.withHandle(h -> h.createQuery(
              "SELECT COUNT(*) FROM pg_trigger WHERE tgrelid = 'jobs'::regclass AND tgname = 'jobs_finished_event'")
          .mapTo(Integer.class).one());
      int events = db.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM job_events").mapTo(Integer.class).one());
      assertEquals(1, triggers);
      assertEquals(1, events);
    }
  }

  @Test
  void identifiersCompareAsBytesWhateverTheDatabaseLocale() {
    try (Database db = Database.open(EmbeddedPg.freshDatabase(), 2)) {
      List<String> order = db.withHandle(h -> {
        h.execute("INSERT INTO jobs (id, queue, pipeline, status, max_attempts, run_at, created_at, updated_at) "
            + "VALUES ('job_a', 'q', 'p', 'queued', 1, 0, 0, 0), ('job_B', 'q', 'p', 'queued', 1, 0, 0, 0)");
        return h.createQuery("SELECT id FROM jobs ORDER BY id").mapTo(String.class).list();
      });
      // why: byte order, as Java sorts strings; a locale's collation would put job_a first
      assertEquals(List.of("job_B", "job_a"), order);
      List<String> collations = db.withHandle(h -> h.createQuery(
              "SELECT collation_name FROM information_schema.columns WHERE table_name = 'jobs' "
                  + "AND column_name IN ('id', 'queue', 'lease_owner', 'dedupe_key', 'file_id')")
          .mapTo(String.class).list());
      assertEquals(List.of("C", "C", "C", "C", "C"), collations);
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
