package dev.ingest.files.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingest.core.FileRef;
import dev.ingest.queue.sql.Database;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.ProgressHandler;

/**
 * A catalog holding thousands of files of one size (a batch of fixed-size records, thumbnails): the size check
 * before hashing a large file reads one index entry of the tenant's, not every file of that size.
 */
class SameSizeFilesTest {
  private static final int FILES = 3000;
  @TempDir static Path dir;
  private static Database db;
  private static SqlFileCatalog catalog;

  @BeforeAll
  static void catalogOfSameSizeFiles() {
    db = Database.open("sqlite:" + dir.resolve("ingest.db"), 2);
    catalog = new SqlFileCatalog(db);
    Instant now = Instant.now();
    db.jdbi().useTransaction(h -> {
      for (int i = 0; i < FILES; i++) {
        for (String tenant : new String[] {"other", "default"}) {
          String id = "file_" + tenant + i;
          catalog.add(tenant, new FileRef(id, "f" + i, 8192, tenant + "-sha-" + i, "text/plain", "objects/" + id), now);
        }
      }
    });
  }

  @AfterAll
  static void close() {
    db.close();
  }

  @Test
  void theSizeCheckAnswersForItsTenantOnly() {
    assertTrue(catalog.anyWithSize("default", 8192));
    assertFalse(catalog.anyWithSize("default", 8193));
    assertFalse(catalog.anyWithSize("third", 8192));
  }

  @Test
  void theSizeCheckReadsOneIndexEntryNotEveryFileOfThatSize() throws Exception {
    // SQLite's virtual machine calls a progress handler every N instructions: with N = 1 it counts the work
    long steps = steps(SqlFileCatalog.ANY_WITH_SIZE, "default", 8192);
    // counting the 3,000 matching rows (the statement before) took 9,023
    assertTrue(steps < 200, steps + " VM instructions for one size check");
    assertEquals(steps, steps(SqlFileCatalog.ANY_WITH_SIZE, "other", 8192), "the same work for either tenant");
  }

  private static long steps(String sql, String tenant, long size) throws java.sql.SQLException {
    return db.jdbi().withHandle(h -> {
      AtomicLong count = new AtomicLong();
      java.sql.Connection c = h.getConnection();
      ProgressHandler.setHandler(c, 1, new ProgressHandler() {
        @Override
        protected int progress() {
          count.incrementAndGet();
          return 0;
        }
      });
      try {
        h.createQuery(sql).bind("tenant", tenant).bind("size", size).mapTo(Boolean.class).one();
      } finally {
        ProgressHandler.clearHandler(c);
      }
      return count.get();
    });
  }
}
