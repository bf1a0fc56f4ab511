package dev.ingest.webhook;

import dev.ingest.core.Job;
import dev.ingest.core.NewJob;
import dev.ingest.core.Priority;
import dev.ingest.json.JobJson;
import dev.ingest.queue.JobEvent;
import dev.ingest.queue.JobQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the queue's terminal-state events into one delivery job per configured URL, in the same transaction
 * that takes the events. Deliveries are ordinary jobs of the {@code webhook} pipeline in the finished job's
 * queue, so they get the queue's retries, backoff and dead-lettering (failed after their attempts), and a
 * dead receiver never holds up the file's own job. The body is the job object as {@code --json} prints it,
 * taken when the event is dispatched.
 */
public final class WebhookDispatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
  static final String SUBSCRIBER = "webhooks";
  private static final int BATCH = 200;

  private final JobQueue queue;
  private final WebhookSettings settings;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ingest-webhooks");
        t.setDaemon(true);
        return t;
      });

  public WebhookDispatcher(JobQueue queue, WebhookSettings settings) {
    this.queue = queue;
    this.settings = settings;
  }

  /** Subscribes the queue to events and dispatches them every {@code interval}. */
  public WebhookDispatcher start(Duration interval) {
    queue.subscribeToEvents(SUBSCRIBER);
    if (settings.secret() == null) {
      log.warn("webhooks are not signed: set INGEST_WEBHOOK_SECRET (or webhook.secret) so receivers can verify them");
    }
    timer.scheduleWithFixedDelay(this::dispatchSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** Dispatches every recorded event now; returns how many were taken. */
  public int dispatchAll() {
    int total = 0;
    int taken;
    do {
      taken = queue.dispatchEvents(BATCH, this::deliveries);
      total += taken;
    } while (taken == BATCH);
    return total;
  }

  private void dispatchSafely() {
    try {
      dispatchAll();
    } catch (RuntimeException e) {
      log.warn("could not dispatch webhook events (will try again): {}", e.getMessage());
      log.debug("webhook dispatch failure", e);
    }
  }

  List<NewJob> deliveries(JobEvent event) {
    String body;
    String queueName;
    if (event.body() != null) {
      // why: a deleted job's row is gone; the event carries the job as it was.
      body = event.body();
      queueName = dev.ingest.json.Json.parse(body).path("queue").asText(dev.ingest.core.NewJob.DEFAULT_QUEUE);
    } else {
      Optional<Job> job = queue.find(event.jobId());
      if (job.isEmpty()) {
        return List.of(); // deleted by retention before anyone announced it
      }
      body = JobJson.job(job.get()).toString();
      queueName = job.get().queue();
    }
    List<NewJob> out = new ArrayList<>(settings.urls().size());
    for (String url : settings.urls()) {
      out.add(
          NewJob.builder(WebhookSettings.PIPELINE)
              .queue(queueName)
              .priority(Priority.HIGH)
              .maxAttempts(settings.maxAttempts())
              .meta(Map.of("url", url, "event", "job." + event.type(), "jobId", event.jobId(), "body", body))
              .build());
    }
    return out;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
