package dev.ingest.server.events;

import dev.ingest.auth.Scope;
import dev.ingest.core.Job;
import dev.ingest.queue.JobQueue;
import dev.ingest.server.Exchange;
import dev.ingest.server.Router;
import dev.ingest.server.Router.Access;

/**
 * {@code GET /v1/jobs/{id}/events}: the job's changes as Server-Sent Events, resumable with
 * {@code Last-Event-ID} (or {@code lastEventId} in the query, for clients that cannot set headers).
 */
public final class EventRoutes {
  private final JobQueue queue;
  private final EventHub hub;

  public EventRoutes(JobQueue queue, EventHub hub) {
    this.queue = queue;
    this.hub = hub;
  }

  public void register(Router router) {
    router.add("GET", "/v1/jobs/{id}/events", Access.KEY_OR_JOB_TOKEN, this::events);
  }

  private void events(Exchange ex) {
    ex.principal().require(Scope.READ);
    Job job = queue.get(ex.principal().tenant(), ex.param("id"));
    String last = ex.header("Last-Event-ID");
    hub.open(ex, job, last != null ? last.trim() : ex.query("lastEventId"));
  }
}
