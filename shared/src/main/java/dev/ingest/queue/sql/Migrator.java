package dev.ingest.queue.sql;

import dev.ingest.core.UnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies the versioned scripts under {@code db/<dialect>/} (listed in {@code index.txt}) that the database
 * has not seen yet, each in its own transaction, and refuses a database whose schema is newer than this
 * binary.
 */
final class Migrator {
  private final Database db;

  Migrator(Database db) {
    this.db = db;
  }

  void migrate() {
    migrate(scripts().size());
  }

  /** Brings the schema up to {@code target}, at most; tests use it to build an older installation. */
  void migrate(int target) {
    List<String> scripts = scripts();
    int known = scripts.size();
    int current = currentVersion();
    if (current > known) {
      throw new UnavailableException(
          "database schema is at version " + current + " but this ingest knows up to version " + known
              + ": upgrade ingest", false, null);
    }
    for (int version = current + 1; version <= Math.min(target, known); version++) {
      apply(version, scripts.get(version - 1));
    }
  }

  private int currentVersion() {
    return db.withHandle(
        h -> {
          h.execute(
              "CREATE TABLE IF NOT EXISTS ingest_schema ("
                  + "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
          return h.createQuery("SELECT COALESCE(MAX(version), 0) FROM ingest_schema").mapTo(Integer.class).one();
        });
  }

  private void apply(int version, String script) {
    String sql = resource(script);
    db.inTransaction(
        h -> {
          db.dialect().lockForMigration(h);
          int now =
              h.createQuery("SELECT COALESCE(MAX(version), 0) FROM ingest_schema").mapTo(Integer.class).one();
          if (now >= version) {
            return null; // another process applied it while we waited
          }
          for (String statement : sql.split(";\\s*(\\n|$)")) {
            if (!statement.isBlank()) {
              h.execute(statement);
            }
          }
          h.execute(
              "INSERT INTO ingest_schema (version, name, applied_at) VALUES (?, ?, ?)",
              version,
              script,
              System.currentTimeMillis());
          return null;
        });
  }

  private List<String> scripts() {
    List<String> names = new ArrayList<>();
    for (String line : resource("index.txt").split("\n")) {
      if (!line.isBlank()) {
        names.add(line.trim());
      }
    }
    return names;
  }

  private String resource(String name) {
    String path = "/db/" + db.dialect().name() + "/" + name;
    try (InputStream in = Migrator.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing schema resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read schema resource " + path, e);
    }
  }
}
