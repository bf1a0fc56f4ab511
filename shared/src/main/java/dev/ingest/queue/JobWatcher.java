package dev.ingest.queue;

import dev.ingest.core.Job;
import dev.ingest.core.JobProgress;
import dev.ingest.core.JobStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/** Follows jobs by polling the queue, reporting every visible change, until all of them are finished. */
public final class JobWatcher {
  public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(200);

  private final JobQueue queue;
  private final Duration interval;

  public JobWatcher(JobQueue queue, Duration interval) {
    this.queue = queue;
    this.interval = interval;
  }

  private record Seen(JobStatus status, JobProgress progress, int attempts, boolean cancelRequested) {
    static Seen of(Job j) {
      return new Seen(j.status(), j.progress(), j.attempts(), j.cancelRequested());
    }
  }

  /** Calls {@code onChange} with each job as it changes (and once at first); returns the finished jobs. */
  public List<Job> follow(List<String> jobIds, Consumer<Job> onChange) throws InterruptedException {
    Map<String, Seen> seen = new LinkedHashMap<>();
    Map<String, Job> finished = new LinkedHashMap<>();
    while (true) {
      for (String id : jobIds) {
        if (finished.containsKey(id)) {
          continue;
        }
        Job job = queue.get(id);
        Seen now = Seen.of(job);
        if (!Objects.equals(seen.get(id), now)) {
          seen.put(id, now);
          onChange.accept(job);
        }
        if (job.status().isTerminal()) {
          finished.put(id, job);
        }
      }
      if (finished.size() == jobIds.size()) {
        List<Job> out = new ArrayList<>();
        jobIds.forEach(id -> out.add(finished.get(id)));
        return out;
      }
      Thread.sleep(interval.toMillis());
    }
  }
}
