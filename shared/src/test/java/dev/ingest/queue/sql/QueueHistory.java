package dev.ingest.queue.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ingest.core.NewJob;
import dev.ingest.queue.Completion;
import dev.ingest.queue.Lease;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Gives a queue a history: jobs enqueued, claimed by one owner and completed, as a worker would. */
final class QueueHistory {
  private QueueHistory() {}

  static void finishJobs(SqlJobQueue queue, int count) {
    List<NewJob> jobs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      jobs.add(NewJob.builder("noop").build());
    }
    queue.enqueueAll(jobs);
    List<Lease> leases;
    while (!(leases = queue.claim("worker-1", List.of(), 500, Duration.ofMinutes(1))).isEmpty()) {
      List<Completion> done = new ArrayList<>();
      leases.forEach(lease -> done.add(new Completion(lease, "{}")));
      assertEquals(Set.of(), queue.completeAll(done));
    }
  }
}
