package dev.ingest.queue;

import dev.ingest.core.NewJob;
import java.util.List;

/**
 * A successful attempt's outcome: the lease it ran under, its result summary (JSON) and the follow-up jobs
 * to enqueue in the same transaction as the completion, so they exist exactly when it does.
 */
public record Completion(Lease lease, String resultJson, List<NewJob> followUps) {
  public Completion {
    followUps = followUps == null ? List.of() : List.copyOf(followUps);
  }

  public Completion(Lease lease, String resultJson) {
    this(lease, resultJson, List.of());
  }
}
