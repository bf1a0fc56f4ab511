package dev.ingest.worker;

import dev.ingest.config.IngestRuntime;
import dev.ingest.core.Job;
import dev.ingest.queue.JobWatcher;
import dev.ingest.queue.WorkerInfo;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

/**
 * Waits for jobs to finish. When no live worker serves their queues, runs one in this process for the
 * duration of the wait, so that {@code ingest upload --wait} works with nothing else set up.
 */
public final class JobCompletion {
  private final IngestRuntime runtime;

  public JobCompletion(IngestRuntime runtime) {
    this.runtime = runtime;
  }

  public List<Job> await(List<String> jobIds, Collection<String> queues, Consumer<Job> onChange, Consumer<String> note)
      throws InterruptedException {
    Worker local = null;
    if (!served(queues)) {
      note.accept("no worker is running for queue " + String.join(", ", queues)
          + "; processing in this process (start 'ingest worker' to process in the background)");
      local =
          WorkerFactory.create(
              runtime,
              WorkerOptions.defaults().withConcurrency(2).withQueues(List.copyOf(queues)).withShutdownGrace(Duration.ZERO));
      local.start(WorkerFactory.hostName(), ProcessHandle.current().pid());
    }
    try {
      return new JobWatcher(runtime.queue(), JobWatcher.DEFAULT_INTERVAL).follow(jobIds, onChange);
    } finally {
      if (local != null) {
        local.shutdown(Duration.ZERO);
      }
    }
  }

  private boolean served(Collection<String> queues) {
    for (WorkerInfo w : runtime.queue().stats().liveWorkers()) {
      if (w.queues().isEmpty()) {
        return true;
      }
      List<String> theirs = List.of(w.queues().split(","));
      if (theirs.containsAll(queues)) {
        return true;
      }
    }
    return false;
  }
}
