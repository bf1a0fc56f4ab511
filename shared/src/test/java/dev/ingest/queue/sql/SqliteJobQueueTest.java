package dev.ingest.queue.sql;

import dev.ingest.core.RetryPolicy;
import dev.ingest.core.SettableClock;
import dev.ingest.queue.JobQueue;
import dev.ingest.queue.JobQueueContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

class SqliteJobQueueTest extends JobQueueContract {
  @TempDir Path dir;
  private Database db;

  @Override
  protected JobQueue createQueue(SettableClock clock, RetryPolicy policy) {
    db = Database.open("sqlite:" + dir.resolve("queue.db"), 4);
    return new SqlJobQueue(db, clock, policy);
  }

  @AfterEach
  void close() {
    db.close();
  }
}
