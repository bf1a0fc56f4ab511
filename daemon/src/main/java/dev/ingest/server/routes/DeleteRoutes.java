package dev.ingest.server.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ingest.auth.Scope;
import dev.ingest.config.Durations;
import dev.ingest.core.InvalidInputException;
import dev.ingest.deletion.DeleteService;
import dev.ingest.json.DeletionJson;
import dev.ingest.json.Json;
import dev.ingest.server.ApiError;
import dev.ingest.server.Exchange;
import dev.ingest.server.Principal;
import dev.ingest.server.Router;
import dev.ingest.server.Router.Access;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Erasing for good: {@code DELETE /v1/jobs/{id}} (the job, its results, and its file when no other job uses
 * it), {@code GET /v1/files}, {@code GET /v1/files/{id}} and {@code DELETE /v1/files/{id}} (the file with
 * every job of it). Within the
 * caller's tenant; deleting takes the admin scope, as cancelling does.
 */
public final class DeleteRoutes {
  static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);
  static final Duration MAX_WAIT = Duration.ofMinutes(5);
  static final int MAX_FILES = 1000;

  private final Supplier<DeleteService> deletes;

  public DeleteRoutes(Supplier<DeleteService> deletes) {
    this.deletes = deletes;
  }

  public void register(Router router) {
    router.add("DELETE", "/v1/jobs/{id}", Access.KEY, this::deleteJob);
    router.add("GET", "/v1/files", Access.KEY, this::listFiles);
    router.add("GET", "/v1/files/{id}", Access.KEY, this::getFile);
    router.add("DELETE", "/v1/files/{id}", Access.KEY, this::deleteFile);
  }

  private void deleteJob(Exchange ex) throws InterruptedException {
    Principal p = ex.principal();
    p.require(Scope.ADMIN);
    DeleteService.Report r = deletes.get().deleteJobs(p.tenant(), List.of(ex.param("id")), waitParam(ex));
    ex.json(200, DeletionJson.report(r));
  }

  private void deleteFile(Exchange ex) throws InterruptedException {
    Principal p = ex.principal();
    p.require(Scope.ADMIN);
    DeleteService.Report r = deletes.get().deleteFiles(p.tenant(), List.of(ex.param("id")), waitParam(ex));
    ex.json(200, DeletionJson.report(r));
  }

  private void getFile(Exchange ex) {
    Principal p = ex.principal();
    p.require(Scope.READ);
    ex.json(200, DeletionJson.file(deletes.get().file(p.tenant(), ex.param("id"))));
  }

  private void listFiles(Exchange ex) {
    Principal p = ex.principal();
    p.require(Scope.READ);
    int limit = JobRoutes.intParam(ex.query("limit"), 50, 1, MAX_FILES, "limit");
    ObjectNode body = Json.object();
    var files = body.putArray("files");
    deletes.get().listFiles(p.tenant(), limit).forEach(f -> files.add(DeletionJson.file(f)));
    ex.json(200, body);
  }

  /** How long to wait for running jobs to stop: {@code ?wait=30s}, at most 5m. */
  private static Duration waitParam(Exchange ex) {
    String raw = ex.query("wait");
    if (raw == null) {
      return DEFAULT_WAIT;
    }
    Duration d;
    try {
      d = Durations.parse(raw);
    } catch (InvalidInputException e) {
      throw ApiError.badRequest("wait: " + e.getMessage());
    }
    if (d.compareTo(MAX_WAIT) > 0) {
      throw ApiError.badRequest("wait must be at most 5m, got " + raw);
    }
    return d;
  }
}
