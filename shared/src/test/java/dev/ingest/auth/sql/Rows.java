package dev.ingest.auth.sql;

import dev.ingest.queue.sql.Database;
import java.util.ArrayList;
import java.util.List;

/** Every value of a table, as text: what someone who reads the database file sees. */
final class Rows {
  private Rows() {}

  static List<String> all(Database db, String table) {
    return db.withHandle(h -> {
      List<String> values = new ArrayList<>();
      h.createQuery("SELECT * FROM " + table).mapToMap().forEach(row -> row.values().forEach(v -> values.add(String.valueOf(v))));
      return values;
    });
  }
}
