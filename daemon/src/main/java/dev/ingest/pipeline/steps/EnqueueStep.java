package dev.ingest.pipeline.steps;

import dev.ingest.core.Job;
import dev.ingest.core.JobFields;
import dev.ingest.core.NewJob;
import dev.ingest.core.Priority;
import dev.ingest.pipeline.Step;
import dev.ingest.pipeline.StepContext;
import java.util.Map;

/**
 * Starts follow-up work: when the job completes, one job for the same file on another pipeline (and queue),
 * carrying the job's metadata and its id as {@code parent}. Enqueued in the completion's transaction, so
 * exactly once. Options: {@code pipeline} (required), {@code queue} and {@code priority} (default: the
 * job's), {@code max-attempts} (default 3).
 */
public final class EnqueueStep implements Step {
  private final String pipeline;
  private final String queue;
  private final Integer priority;
  private final int maxAttempts;

  EnqueueStep(String pipeline, String queue, Integer priority, int maxAttempts) {
    this.pipeline = pipeline;
    this.queue = queue;
    this.priority = priority;
    this.maxAttempts = maxAttempts;
  }

  static EnqueueStep from(Map<String, String> options) {
    String pipeline = options.get("pipeline");
    if (pipeline == null) {
      throw new IllegalArgumentException("enqueue needs pipeline.<name>.enqueue.pipeline");
    }
    JobFields.name("enqueue.pipeline", pipeline);
    String queue = options.get("queue");
    if (queue != null) {
      JobFields.name("enqueue.queue", queue);
    }
    Integer priority = options.containsKey("priority") ? Priority.parse(options.get("priority")) : null;
    int maxAttempts =
        JobFields.maxAttempts("enqueue.max-attempts", Integer.parseInt(options.getOrDefault("max-attempts", String.valueOf(NewJob.DEFAULT_MAX_ATTEMPTS))));
    return new EnqueueStep(pipeline, queue, priority, maxAttempts);
  }

  @Override
  public String name() {
    return "enqueue";
  }

  @Override
  public void run(StepContext ctx) {
    Job job = ctx.job();
    NewJob next =
        NewJob.builder(pipeline)
            .tenant(job.tenant())
            .queue(queue != null ? queue : job.queue())
            .priority(priority != null ? priority : job.priority())
            .maxAttempts(maxAttempts)
            .file(job.file())
            .meta(job.meta())
            .parent(job.id())
            .build();
    ctx.enqueueOnCompletion(next);
    ctx.document().result().put("followUp", next.queue() + "/" + next.pipeline());
  }
}
