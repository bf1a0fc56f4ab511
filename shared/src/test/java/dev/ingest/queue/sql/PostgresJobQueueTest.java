package dev.ingest.queue.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.ingest.core.NewJob;
import dev.ingest.core.RetryPolicy;
import dev.ingest.core.SettableClock;
import dev.ingest.queue.JobQueue;
import dev.ingest.queue.JobQueueContract;
import dev.ingest.queue.Lease;
import dev.ingest.queue.LeaseState;
import dev.ingest.testing.EmbeddedPg;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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

  /** Batch completions lock rows in any order; heartbeats must never wait for one, or the two could deadlock. */
  @Test
  void aHeartbeatNeitherWaitsForNorForgetsAJobAnotherTransactionHolds() {
    queue.enqueueAll(List.of(NewJob.builder("p").build(), NewJob.builder("p").build()));
    List<Lease> leases = queue.claim("w", List.of(), 2, TTL);
    String held = leases.get(0).jobId();
    String free = leases.get(1).jobId();
    try (Handle other = db.jdbi().open()) {
      other.begin();
      other.execute("SELECT 1 FROM jobs WHERE id = ? FOR UPDATE", held);
      long expiresBefore = expiresAt(free);
      clock.advance(Duration.ofSeconds(5));

      Map<String, LeaseState> states =
          assertTimeoutPreemptively(Duration.ofSeconds(20), () -> queue.heartbeat("w", TTL));

      assertEquals(Set.of(held, free), states.keySet());
      assertEquals(expiresBefore + 5000, expiresAt(free));
      other.rollback();
    }
  }

  private long expiresAt(String jobId) {
    return db.withHandle(
        h -> h.createQuery("SELECT lease_expires_at FROM jobs WHERE id = :id").bind("id", jobId).mapTo(Long.class).one());
  }
}
