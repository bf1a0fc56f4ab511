package dev.ingest.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ingest.auth.Scope;
import dev.ingest.core.Job;
import dev.ingest.core.JobStatus;
import dev.ingest.core.NewJob;
import dev.ingest.queue.Lease;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Another tenant's ids answer exactly as unknown ones, on every route that takes an id; listings show one's own. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class TenantIsolationTest {
  @TempDir Path dir;
  ServerHarness h;
  String acme;
  String globex;
  Job acmeJob;
  Job acmeDone;

  @BeforeEach
  void start() throws Exception {
    h = new ServerHarness(dir);
    acme = h.key("acme", Scope.ADMIN);
    globex = h.key("globex", Scope.ADMIN);
    acmeDone = h.runtime.queue().enqueue(NewJob.builder("auto").tenant("acme").build()).job();
    Lease lease = h.runtime.queue().claim("w", List.of(), 1, Duration.ofMinutes(1)).get(0);
    h.runtime.queue().complete(lease, "{}");
    acmeJob = h.runtime.queue().enqueue(NewJob.builder("auto").tenant("acme").dedupeKey("k").build()).job();
  }

  @AfterEach
  void stop() {
    h.close();
  }

  @Test
  void everyJobRouteAnswers404ForAnotherTenantsJobAndChangesNothing() throws Exception {
    for (Job job : List.of(acmeJob, acmeDone)) {
      for (String path : List.of("", "/result", "/chunks", "/events")) {
        ServerHarness.Answer theirs = h.call(h.request("/v1/jobs/" + job.id() + path, globex).build());
        ServerHarness.Answer unknown = h.call(h.request("/v1/jobs/job_00000000000000000000000000" + path, globex).build());
        assertEquals(404, theirs.status(), path);
        assertEquals(unknown.body().path("error").path("type"), theirs.body().path("error").path("type"));
      }
      for (String action : List.of("/cancel", "/retry", "/token")) {
        assertEquals(404, ServerHarness.read(h.post("/v1/jobs/" + job.id() + action, globex, "")).status(), action);
      }
    }
    assertEquals(JobStatus.QUEUED, h.runtime.queue().get(acmeJob.id()).status());
    assertEquals(JobStatus.COMPLETED, h.runtime.queue().get(acmeDone.id()).status());
    assertEquals(200, h.call(h.request("/v1/jobs/" + acmeJob.id(), acme).build()).status(), "its own tenant sees it");
  }

  @Test
  void listingsStatsAndCleanupSeeOnlyTheirTenant() throws Exception {
    h.runtime.queue().enqueue(NewJob.builder("auto").tenant("globex").queue("mine").build());
    JsonNode list = h.call(h.request("/v1/jobs", globex).build()).body();
    assertEquals(1, list.path("jobs").size());
    assertEquals("globex", list.path("jobs").get(0).path("tenant").asText());
    JsonNode stats = h.call(h.request("/v1/queue/stats", globex).build()).body();
    assertTrue(stats.path("queues").has("mine"));
    assertTrue(!stats.path("queues").has("default"), stats.toString());
    JsonNode cleaned = ServerHarness.read(h.post("/v1/cleanup", globex, "{\"olderThan\":\"0s\"}")).body();
    assertEquals(0, cleaned.path("jobs").asInt(), "acme's finished job is not globex's to remove");
    assertTrue(h.runtime.queue().find(acmeDone.id()).isPresent());
  }

  @Test
  void aJobTokenReadsItsOwnJobOnly() throws Exception {
    String token = ServerHarness.read(h.post("/v1/jobs/" + acmeJob.id() + "/token", acme, "")).body().path("token").asText();
    assertEquals(200, h.call(h.request("/v1/jobs/" + acmeJob.id() + "?token=" + token, null).build()).status());
    assertEquals(403, h.call(h.request("/v1/jobs/" + acmeDone.id() + "?token=" + token, null).build()).status());
    assertEquals(401, h.call(h.request("/v1/jobs?token=" + token, null).build()).status(), "no listing with a job token");
    assertEquals(401, ServerHarness.read(h.http.newCall(new Request.Builder().url(h.url("/v1/jobs/" + acmeJob.id() + "/cancel?token=" + token))
        .post(RequestBody.create(new byte[0])).build()).execute()).status());
  }

  @Test
  void tusUploadsOfAnotherTenantAreNotFound() throws Exception {
    TusClient mine = new TusClient(h, acme);
    TusClient theirs = new TusClient(h, globex);
    String url = mine.location(100, null);
    try (Response r = theirs.head(url)) {
      assertEquals(404, r.code());
    }
    try (Response r = theirs.patch(url, 0, Bytes.text(100))) {
      assertEquals(404, r.code());
    }
    try (Response r = theirs.delete(url)) {
      assertEquals(404, r.code());
    }
    assertEquals(0, mine.offset(url));
  }

  @Test
  void theSameDedupeKeyInAnotherTenantMakesItsOwnJob() throws Exception {
    JsonNode r = h.call(h.request("/v1/uploads", globex).post(new okhttp3.MultipartBody.Builder().setType(okhttp3.MultipartBody.FORM)
        .addFormDataPart("dedupeKey", "k")
        .addFormDataPart("file", "a.txt", RequestBody.create(Bytes.text(10), FormUploadTest.BYTES)).build()).build()).body();
    assertTrue(!r.path("deduplicated").asBoolean());
    assertTrue(!acmeJob.id().equals(r.path("jobId").asText()));
  }

  @Test
  void deletingTakesTheAdminScopeAndOnlyEverReachesOnesOwnJobsAndFiles() throws Exception {
    JsonNode uploaded = h.call(h.request("/v1/uploads", acme).post(new okhttp3.MultipartBody.Builder().setType(okhttp3.MultipartBody.FORM)
        .addFormDataPart("file", "erase-me.txt", RequestBody.create(Bytes.text(300), FormUploadTest.BYTES)).build()).build()).body();
    String jobId = uploaded.path("jobId").asText();
    String fileId = uploaded.path("fileId").asText();
    String acmeReader = h.key("acme", Scope.READ);

    JsonNode files = h.call(h.request("/v1/files", acmeReader).build()).body();
    assertEquals(fileId, files.path("files").get(0).path("id").asText());
    assertEquals(1, files.path("files").get(0).path("jobs").asInt());
    assertEquals(0, h.call(h.request("/v1/files", globex).build()).body().path("files").size(), "globex sees none of acme's");

    assertEquals(404, h.call(h.request("/v1/jobs/" + jobId, globex).delete().build()).status());
    assertEquals(404, h.call(h.request("/v1/files/" + fileId, globex).delete().build()).status());
    assertEquals(404, h.call(h.request("/v1/files/" + fileId, globex).build()).status());
    assertEquals("erase-me.txt", h.call(h.request("/v1/files/" + fileId, acmeReader).build()).body().path("name").asText());
    assertEquals(403, h.call(h.request("/v1/jobs/" + jobId, acmeReader).delete().build()).status(), "reading is not erasing");
    assertEquals(400, h.call(h.request("/v1/jobs/" + jobId + "?wait=1h", acme).delete().build()).status());
    assertTrue(h.runtime.queue().find(jobId).isPresent());

    // the job is queued: cancelled at once, then deleted with its file, the last job using it
    ServerHarness.Answer deleted = h.call(h.request("/v1/jobs/" + jobId, acme).delete().build());
    assertEquals(200, deleted.status(), deleted.body().toString());
    assertEquals(jobId, deleted.body().path("jobs").get(0).asText());
    assertEquals(fileId, deleted.body().path("files").get(0).asText());
    assertTrue(h.runtime.queue().find(jobId).isEmpty());
    assertEquals(404, h.call(h.request("/v1/jobs/" + jobId, acme).build()).status());
    assertEquals(404, h.call(h.request("/v1/files/" + fileId, acme).delete().build()).status());
  }
}
