package dev.ingest.server.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ingest.auth.JobTokens;
import dev.ingest.auth.Scope;
import dev.ingest.blob.BlobStore;
import dev.ingest.core.Clock;
import dev.ingest.core.Job;
import dev.ingest.core.JobStatus;
import dev.ingest.json.JobJson;
import dev.ingest.json.Json;
import dev.ingest.pipeline.Results;
import dev.ingest.queue.JobFilter;
import dev.ingest.queue.JobQueue;
import dev.ingest.server.ApiError;
import dev.ingest.server.Exchange;
import dev.ingest.server.Principal;
import dev.ingest.server.Router;
import dev.ingest.server.Router.Access;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** {@code /v1/jobs}: a job's status, listings, cancel and retry, results, and job tokens. */
public final class JobRoutes {
  static final int MAX_LIMIT = 1000;

  private final JobQueue queue;
  private final Supplier<BlobStore> store;
  private final JobTokens tokens;
  private final Clock clock;
  private final Duration tokenTtl;

  public JobRoutes(JobQueue queue, Supplier<BlobStore> store, JobTokens tokens, Clock clock, Duration tokenTtl) {
    this.queue = queue;
    this.store = store;
    this.tokens = tokens;
    this.clock = clock;
    this.tokenTtl = tokenTtl;
  }

  public void register(Router router) {
    router.add("GET", "/v1/jobs", Access.KEY, this::list);
    router.add("GET", "/v1/jobs/{id}", Access.KEY_OR_JOB_TOKEN, this::get);
    router.add("POST", "/v1/jobs/{id}/cancel", Access.KEY, ex -> steer(ex, queue::cancel));
    router.add("POST", "/v1/jobs/{id}/retry", Access.KEY, ex -> steer(ex, queue::retry));
    router.add("GET", "/v1/jobs/{id}/result", Access.KEY_OR_JOB_TOKEN, ex -> content(ex, false));
    router.add("GET", "/v1/jobs/{id}/chunks", Access.KEY_OR_JOB_TOKEN, ex -> content(ex, true));
    router.add("POST", "/v1/jobs/{id}/token", Access.KEY, this::token);
  }

  /** The caller's job of the path's id; another tenant's is 404, as an unknown id. */
  private Job job(Exchange ex) {
    Principal p = ex.principal();
    p.require(Scope.READ);
    return queue.get(p.tenant(), ex.param("id"));
  }

  private void get(Exchange ex) {
    Job job = job(ex);
    ex.json(200, JobJson.jobWithErrors(job, queue.errors(job.id())));
  }

  private void list(Exchange ex) {
    Principal p = ex.principal();
    p.require(Scope.READ);
    String status = ex.query("status");
    int limit = intParam(ex.query("limit"), JobFilter.DEFAULT_LIMIT, 1, MAX_LIMIT, "limit");
    String cursor = ex.query("cursor");
    if (cursor != null && !cursor.matches("job_[0-9a-z]{26}")) {
      throw ApiError.badRequest("invalid cursor '" + cursor + "'");
    }
    JobFilter filter =
        new JobFilter(status == null ? null : JobStatus.fromWire(status), ex.query("queue"), limit, p.tenant(), cursor);
    List<Job> jobs = queue.list(filter);
    ObjectNode body = Json.object();
    var array = body.putArray("jobs");
    jobs.forEach(j -> array.add(JobJson.job(j)));
    body.put("nextCursor", jobs.size() == limit ? jobs.get(jobs.size() - 1).id() : null);
    ex.json(200, body);
  }

  private interface Steer {
    Job apply(String tenant, String jobId);
  }

  private void steer(Exchange ex, Steer action) {
    Principal p = ex.principal();
    p.require(Scope.ADMIN);
    ex.json(200, JobJson.job(action.apply(p.tenant(), ex.param("id"))));
  }

  private void content(Exchange ex, boolean chunks) throws Exception {
    Job job = job(ex);
    if (job.status() == JobStatus.FAILED || job.status() == JobStatus.CANCELLED) {
      String why = job.error() == null ? "" : ": " + job.error().message();
      throw ApiError.notFound("job " + job.id() + " " + job.status().wireName() + why);
    }
    Optional<InputStream> stored = chunks ? Results.chunks(job, store.get()) : Results.text(job, store.get());
    if (stored.isEmpty()) {
      // why: what `ingest result` prints when the pipeline stored no text: the job's result summary.
      String summary = (job.resultJson() == null ? "{}" : job.resultJson()) + "\n";
      ex.send(200, "application/json", summary.getBytes(StandardCharsets.UTF_8));
      return;
    }
    try (InputStream in = stored.get()) {
      OutputStream out = ex.stream(200, chunks ? "application/x-ndjson" : "text/plain; charset=utf-8");
      in.transferTo(out);
    }
  }

  private void token(Exchange ex) {
    Job job = job(ex);
    Instant expires = clock.now().plus(tokenTtl);
    String token = tokens.issue(ex.principal().tenant(), job.id(), expires);
    ObjectNode body = Json.object();
    body.put("token", token);
    body.put("expiresAt", expires.toString());
    body.put("eventsUrl", ex.baseUrl() + "/v1/jobs/" + job.id() + "/events?token=" + token);
    ex.json(200, body);
  }

  static int intParam(String value, int fallback, int min, int max, String name) {
    if (value == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value.trim());
      if (n < min || n > max) {
        throw ApiError.badRequest(name + " must be between " + min + " and " + max + ", got " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw ApiError.badRequest(name + " must be a whole number, got '" + value + "'");
    }
  }
}
