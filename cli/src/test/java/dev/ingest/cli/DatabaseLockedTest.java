package dev.ingest.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** SQLite held by another process past {@code db.busy-timeout}: exit 4, one line, nothing half-stored. */
@Timeout(60)
class DatabaseLockedTest {
  @TempDir Path dir;
  private Cli cli;
  private Path home;

  @BeforeEach
  void setUp() {
    home = dir.resolve("home");
    cli = new Cli(home).env("INGEST_DB_BUSY_TIMEOUT", "300ms");
  }

  private long objects() throws Exception {
    try (Stream<Path> walk = Files.walk(home.resolve("blobs"))) {
      return walk.filter(Files::isRegularFile).filter(p -> !p.toString().contains(".staging")).count();
    }
  }

  @Test
  void anUploadWhileAnotherProcessHoldsTheWriteLockExitsFourAndLeavesNoObject() throws Exception {
    Path first = Files.writeString(dir.resolve("first.txt"), "stored before the lock");
    assertEquals(0, cli.run("upload", first.toString()).code());
    Path second = Files.writeString(dir.resolve("second.txt"), "arrives while the database is locked");

    try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("ingest.db"));
        Statement st = other.createStatement()) {
      st.execute("BEGIN IMMEDIATE"); // another process's write transaction, held for the whole upload
      Cli.Result r = cli.run("upload", second.toString());
      CliTest.assertOneLineError(r, ExitCodes.UNAVAILABLE, "is locked by another process (waited 300ms; db.busy-timeout)");
      st.execute("ROLLBACK");
    }

    Cli.Result files = cli.run("files", "list", "--json");
    assertEquals(1, files.out().lines().count(), files.out());
    assertEquals(1, objects(), "the object of the file that could not be registered was removed");
    Cli.Result again = cli.run("upload", second.toString(), "--json");
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("\"deduplicated\":false"), again.out());
  }

  @Test
  void aBadBusyTimeoutIsAUsageErrorNamingTheKey() {
    Cli.Result r = new Cli(home).env("INGEST_DB_BUSY_TIMEOUT", "soon").run("jobs", "list");
    CliTest.assertOneLineError(r, ExitCodes.USAGE, "db.busy-timeout");
  }
}
