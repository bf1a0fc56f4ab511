package dev.ingest.queue.sql;

import dev.ingest.core.RetryPolicy;
import dev.ingest.core.SettableClock;
import dev.ingest.queue.JobQueue;
import dev.ingest.queue.JobQueueContract;
import dev.ingest.testing.EmbeddedPg;
import org.junit.jupiter.api.AfterEach;

class PostgresJobQueueTest extends JobQueueContract {
  private Database db;

  @Override
  protected JobQueue createQueue(SettableClock clock, RetryPolicy policy) {
    db = Database.open(EmbeddedPg.freshDatabase(), 8);
    return new SqlJobQueue(db, clock, policy);
  }

  @AfterEach
  void close() {
    db.close();
  }
}
