package dev.ingest.auth.sql;

import dev.ingest.auth.ApiKeys;
import dev.ingest.auth.ApiKeysContract;
import dev.ingest.core.Clock;
import dev.ingest.queue.sql.Database;
import dev.ingest.testing.EmbeddedPg;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

class PostgresApiKeysTest extends ApiKeysContract {
  private Database db;

  @Override
  protected ApiKeys createKeys() {
    if (db == null) {
      db = Database.open(EmbeddedPg.freshDatabase(), 2);
    }
    return new SqlApiKeys(db, Clock.SYSTEM);
  }

  @Override
  protected List<String> storedValues() {
    return Rows.all(db, "api_keys");
  }

  @AfterEach
  void close() {
    db.close();
  }
}
