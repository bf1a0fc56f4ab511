package dev.ingest.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.ingest.auth.Scope;
import dev.ingest.core.Job;
import dev.ingest.core.NewJob;
import dev.ingest.json.Json;
import dev.ingest.queue.Lease;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import okhttp3.MultipartBody;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The OpenAPI document the server serves, held against the routes it has and the answers it gives. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class OpenApiTest {
  @TempDir Path dir;
  ServerHarness h;
  JsonNode doc;

  @BeforeEach
  void start() throws Exception {
    h = new ServerHarness(dir);
    try (var r = h.get("/v1/openapi.json", null)) {
      assertEquals(200, r.code());
      doc = Json.MAPPER.readTree(r.body().string());
    }
  }

  @AfterEach
  void stop() {
    h.close();
  }

  @Test
  void everyRouteIsDocumentedAndEveryDocumentedOperationIsARoute() {
    Set<String> served = new TreeSet<>();
    for (Router.Route route : h.server.router().routes()) {
      served.add(route.method() + " " + route.template());
    }
    Set<String> documented = new TreeSet<>();
    doc.path("paths").fields().forEachRemaining(path ->
        path.getValue().fieldNames().forEachRemaining(method -> documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey())));
    assertEquals(served, documented);
    assertEquals("3.1.0", doc.path("openapi").asText());
  }

  @Test
  void publicRoutesAreDocumentedAsNeedingNoKey() {
    for (Router.Route route : h.server.router().routes()) {
      JsonNode op = doc.path("paths").path(route.template()).path(route.method().toLowerCase(Locale.ROOT));
      boolean open = op.path("security").isArray() && op.path("security").isEmpty();
      assertEquals(route.access() == Router.Access.PUBLIC, open, route.template());
    }
  }

  private JsonSchema schema(String name) {
    String components = Json.line(doc.path("components").path("schemas")).replace("#/components/schemas/", "#/$defs/");
    String schema = "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"$defs\":" + components
        + ",\"$ref\":\"#/$defs/" + name + "\"}";
    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schema);
  }

  private void assertValid(String schema, JsonNode answer) {
    Set<ValidationMessage> problems = schema(schema).validate(answer);
    assertTrue(problems.isEmpty(), schema + ": " + problems + " in " + answer);
  }

  @Test
  void theAnswersMatchTheirSchemas() throws Exception {
    String key = h.key("acme", Scope.ADMIN);
    JsonNode upload = h.call(h.request("/v1/uploads", key).post(new MultipartBody.Builder().setType(MultipartBody.FORM)
        .addFormDataPart("meta", "a=b")
        .addFormDataPart("file", "a.txt", RequestBody.create(Bytes.text(100), FormUploadTest.BYTES)).build()).build()).body();
    assertValid("UploadResult", upload);
    assertTrue(!schema("UploadResults").validate(upload).isEmpty(), "the validator does reject what does not match");
    JsonNode two = h.call(h.request("/v1/uploads", key).post(new MultipartBody.Builder().setType(MultipartBody.FORM)
        .addFormDataPart("file", "b.txt", RequestBody.create(Bytes.text(200), FormUploadTest.BYTES))
        .addFormDataPart("file", "c.txt", RequestBody.create(Bytes.text(300), FormUploadTest.BYTES)).build()).build()).body();
    assertValid("UploadResults", two);

    Job failed = h.runtime.queue().enqueue(NewJob.builder("auto").tenant("acme").build()).job();
    List<Lease> leases = h.runtime.queue().claim("w", List.of(), 10, Duration.ofMinutes(1));
    Lease lease = leases.stream().filter(l -> l.jobId().equals(failed.id())).findFirst().orElseThrow();
    h.runtime.queue().fail(lease, dev.ingest.queue.Failure.permanent("corrupt_input", "not a PDF"));

    assertValid("JobWithErrors", h.call(h.request("/v1/jobs/" + upload.path("jobId").asText(), key).build()).body());
    assertValid("JobWithErrors", h.call(h.request("/v1/jobs/" + failed.id(), key).build()).body());
    assertValid("JobList", h.call(h.request("/v1/jobs", key).build()).body());
    assertValid("Job", ServerHarness.read(h.post("/v1/jobs/" + failed.id() + "/retry", key, "")).body());
    assertValid("Job", ServerHarness.read(h.post("/v1/jobs/" + failed.id() + "/cancel", key, "")).body());
    assertValid("JobToken", ServerHarness.read(h.post("/v1/jobs/" + failed.id() + "/token", key, "")).body());
    assertValid("QueueStats", h.call(h.request("/v1/queue/stats", key).build()).body());
    assertValid("CleanupResult", ServerHarness.read(h.post("/v1/cleanup", key, "{\"olderThan\":\"7d\"}")).body());
    assertValid("Error", h.call(h.request("/v1/jobs/job_00000000000000000000000000", key).build()).body());
    assertValid("Error", h.call(new Request.Builder().url(h.url("/v1/jobs")).build()).body());
  }

  @Test
  void everyErrorStatusTheServerMapsIsDocumentedSomewhere() {
    Set<String> documented = new TreeSet<>();
    doc.path("paths").forEach(path -> path.forEach(op -> op.path("responses").fieldNames().forEachRemaining(documented::add)));
    for (int status : List.of(400, 401, 403, 404, 409, 412, 413, 415, 423, 429, 460, 503)) {
      assertTrue(documented.contains(Integer.toString(status)), "status " + status);
    }
  }
}
