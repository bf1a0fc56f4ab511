package dev.ingest.server.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ingest.auth.Scope;
import dev.ingest.config.Durations;
import dev.ingest.core.InvalidInputException;
import dev.ingest.json.Json;
import dev.ingest.json.QueueStatsJson;
import dev.ingest.queue.JobQueue;
import dev.ingest.retention.RetentionService;
import dev.ingest.server.ApiError;
import dev.ingest.server.Exchange;
import dev.ingest.server.Principal;
import dev.ingest.server.Router;
import dev.ingest.server.Router.Access;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.function.Supplier;

/** {@code /v1/queue/stats} and {@code /v1/cleanup}: the admin scope's view of the caller's tenant. */
public final class AdminRoutes {
  private static final int MAX_BODY = 4096;

  private final JobQueue queue;
  private final Supplier<RetentionService> retention;

  public AdminRoutes(JobQueue queue, Supplier<RetentionService> retention) {
    this.queue = queue;
    this.retention = retention;
  }

  public void register(Router router) {
    router.add("GET", "/v1/queue/stats", Access.KEY, this::stats);
    router.add("POST", "/v1/cleanup", Access.KEY, this::cleanup);
  }

  private void stats(Exchange ex) {
    Principal p = ex.principal();
    p.require(Scope.ADMIN);
    ex.json(200, QueueStatsJson.toJson(queue.stats(p.tenant())));
  }

  private void cleanup(Exchange ex) throws IOException {
    Principal p = ex.principal();
    p.require(Scope.ADMIN);
    JsonNode body = jsonBody(ex);
    String olderThan = body.path("olderThan").asText(null);
    if (olderThan == null) {
      throw ApiError.badRequest("olderThan is required, e.g. {\"olderThan\": \"7d\"}");
    }
    Duration age;
    try {
      age = Durations.parse(olderThan);
    } catch (InvalidInputException e) {
      throw ApiError.badRequest("invalid olderThan: " + e.getMessage());
    }
    boolean dryRun = body.path("dryRun").asBoolean(false);
    RetentionService.Report r = retention.get().cleanup(p.tenant(), age, dryRun);
    ObjectNode out = Json.object();
    out.put("dryRun", dryRun);
    out.put("jobs", r.jobs());
    out.put("files", r.files());
    out.put("uploads", r.uploads());
    ex.json(200, out);
  }

  static JsonNode jsonBody(Exchange ex) throws IOException {
    String type = ex.header("Content-Type");
    if (ex.contentLength() == 0) {
      return Json.object();
    }
    if (type != null && !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw ApiError.unsupportedMediaType("send application/json");
    }
    if (ex.contentLength() > MAX_BODY) {
      throw ApiError.tooLarge("a JSON body is at most " + MAX_BODY + " bytes");
    }
    try (InputStream in = ex.body()) {
      byte[] bytes = in.readNBytes(MAX_BODY + 1);
      if (bytes.length > MAX_BODY) {
        throw ApiError.tooLarge("a JSON body is at most " + MAX_BODY + " bytes");
      }
      if (bytes.length == 0) {
        return Json.object();
      }
      JsonNode node = Json.MAPPER.readTree(bytes);
      if (node == null || !node.isObject()) {
        throw ApiError.badRequest("the body must be a JSON object");
      }
      return node;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw ApiError.badRequest("the body is not valid JSON");
    }
  }
}
