package dev.ingest.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ingest.core.Job;
import dev.ingest.upload.UploadLimits;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /v1/uploads}: multipart forms as curl and Uppy send them, on SQLite and a folder. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FormUploadTest {
  static final MediaType BYTES = MediaType.get("application/octet-stream");

  @TempDir Path dir;
  ServerHarness h;
  String key;

  @BeforeEach
  void start() throws Exception {
    h = new ServerHarness(dir);
    key = h.key("acme");
  }

  @AfterEach
  void stop() {
    h.close();
  }

  private ServerHarness.Answer upload(MultipartBody body) throws IOException {
    return h.call(h.request("/v1/uploads", key).post(body).build());
  }

  private long objects(ServerHarness server, Path root) throws IOException {
    Path objects = root.resolve("blobs/objects");
    if (!Files.exists(objects)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(objects)) {
      return s.count();
    }
  }

  @Test
  void oneFileAnswers202WithItsQueuedJob() throws Exception {
    byte[] file = Bytes.text(20_000);
    ServerHarness.Answer a =
        upload(new MultipartBody.Builder().setType(MultipartBody.FORM)
            .addFormDataPart("pipeline", "auto")
            .addFormDataPart("file", "report.txt", RequestBody.create(file, BYTES))
            .addFormDataPart("meta", "team=legal")
            .addFormDataPart("meta", "year=2026")
            .addFormDataPart("priority", "high")
            .addFormDataPart("timeout", "10m")
            .addFormDataPart("option", "chunk.size=500\nchunk.overlap=50")
            .build());
    assertEquals(202, a.status(), a.body().toString());
    JsonNode b = a.body();
    assertEquals("report.txt", b.path("name").asText());
    assertEquals(20_000, b.path("size").asLong());
    assertEquals(Bytes.sha256(file), b.path("sha256").asText());
    assertEquals("queued", b.path("status").asText());
    assertFalse(b.path("deduplicated").asBoolean());
    assertEquals(h.url("/v1/jobs/" + b.path("jobId").asText()), b.path("statusUrl").asText());
    assertTrue(b.path("eventsUrl").asText().contains("token="));
    Job job = h.runtime.queue().get(b.path("jobId").asText());
    assertEquals(Map.of("team", "legal", "year", "2026"), job.meta(), "fields after the file count too");
    assertEquals(10, job.priority());
    assertEquals(java.time.Duration.ofMinutes(10), job.timeout());
    assertEquals(Map.of("chunk.size", "500", "chunk.overlap", "50"), job.options());
    assertEquals(600, ServerHarness.read(h.get("/v1/jobs/" + job.id(), key)).body().path("timeoutSeconds").asInt());
    assertEquals("acme", job.tenant());
    try (InputStream in = h.runtime.store().get(job.file().blobKey())) {
      assertEquals(Bytes.sha256(file), Bytes.sha256(in));
    }
  }

  @Test
  void severalFilesAnswerAJobEachInOrder() throws Exception {
    ServerHarness.Answer a =
        upload(new MultipartBody.Builder().setType(MultipartBody.FORM)
            .addFormDataPart("file", "a.txt", RequestBody.create(Bytes.text(100), BYTES))
            .addFormDataPart("file", "b.txt", RequestBody.create(Bytes.text(9 * 1024 * 1024), BYTES))
            .build());
    assertEquals(202, a.status());
    JsonNode jobs = a.body().path("jobs");
    assertEquals(2, jobs.size());
    assertEquals("a.txt", jobs.get(0).path("name").asText());
    assertEquals("b.txt", jobs.get(1).path("name").asText());
    assertEquals(9 * 1024 * 1024, h.runtime.queue().get(jobs.get(1).path("jobId").asText()).file().size());
  }

  @Test
  void uppysBundledFieldNameAndItsMetadataFieldsAreAccepted() throws Exception {
    ServerHarness.Answer a =
        upload(new MultipartBody.Builder().setType(MultipartBody.FORM)
            .addFormDataPart("name", "photo.txt")
            .addFormDataPart("type", "text/plain")
            .addFormDataPart("relativePath", "null")
            .addFormDataPart("files[]", "photo.txt", RequestBody.create(Bytes.text(50), BYTES))
            .build());
    assertEquals(202, a.status(), a.body().toString());
    assertEquals("photo.txt", a.body().path("name").asText());
  }

  @Test
  void theSameContentAgainReturnsTheExistingJob() throws Exception {
    byte[] file = Bytes.text(3000);
    MultipartBody body = new MultipartBody.Builder().setType(MultipartBody.FORM)
        .addFormDataPart("file", "x.txt", RequestBody.create(file, BYTES)).build();
    ServerHarness.Answer first = upload(body);
    ServerHarness.Answer second = upload(new MultipartBody.Builder().setType(MultipartBody.FORM)
        .addFormDataPart("file", "copy.txt", RequestBody.create(file, BYTES)).build());
    assertTrue(second.body().path("deduplicated").asBoolean());
    assertEquals(first.body().path("jobId").asText(), second.body().path("jobId").asText());
    assertEquals(1, objects(h, dir), "the second copy's object was removed");
    String other = h.key("globex");
    ServerHarness.Answer theirs = h.call(h.request("/v1/uploads", other).post(body).build());
    assertFalse(theirs.body().path("deduplicated").asBoolean(), "another tenant's content is not shared");
  }

  @Test
  void aClientThatStopsMidBodyIsCountedAsItsFaultAndLeavesNothingStored() throws Exception {
    String head = "--BB\r\nContent-Disposition: form-data; name=\"file\"; filename=\"half.bin\"\r\n"
        + "Content-Type: application/octet-stream\r\n\r\n";
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", h.server.port())) {
      java.io.OutputStream out = socket.getOutputStream();
      out.write(("POST /v1/uploads HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key
          + "\r\nContent-Type: multipart/form-data; boundary=BB\r\nContent-Length: 50000000\r\n\r\n" + head)
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.write(Bytes.text(3 * 1024 * 1024));
      out.flush();
    } // closed 3 MiB into a 50 MB body

    String counted = "ingest_http_requests_seconds_count{method=\"POST\",route=\"/v1/uploads\",status=\"";
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
        .until(() -> metrics().contains(counted + "400\"}"));
    assertFalse(metrics().contains(counted + "500\"}"), "not counted as a server error");
    assertEquals(0, objects(h, dir));
    assertTrue(h.runtime.store().listPendingUploads().isEmpty(), "no upload left open or staged");
    assertTrue(h.runtime.queue().list(dev.ingest.queue.JobFilter.all()).isEmpty());
  }

  private String metrics() throws IOException {
    try (okhttp3.Response r = h.http.newCall(new okhttp3.Request.Builder().url(h.url("/metrics")).build()).execute()) {
      return r.body().string();
    }
  }

  @Test
  void badFieldsAnswer400AndLeaveNothingStored() throws Exception {
    for (String[] field : List.of(
        new String[] {"maxAttempts", "-3"}, new String[] {"maxAttempts", "many"}, new String[] {"priority", "soonish"},
        new String[] {"queue", "no spaces"}, new String[] {"meta", "novalue"}, new String[] {"force", "maybe"},
        new String[] {"timeout", "0s"}, new String[] {"timeout", "soon"}, new String[] {"pipeline", "../etc"},
        new String[] {"option", "exec.command=rm"}, new String[] {"option", "chunk.size=lots"})) {
      ServerHarness.Answer before =
          upload(new MultipartBody.Builder().setType(MultipartBody.FORM)
              .addFormDataPart(field[0], field[1])
              .addFormDataPart("file", "a.txt", RequestBody.create(Bytes.text(100), BYTES)).build());
      assertEquals(400, before.status(), field[0]);
      assertEquals("invalid_request", before.errorType());
      assertTrue(before.body().path("error").path("message").asText().contains(field[0]), before.body().toString());
      ServerHarness.Answer after =
          upload(new MultipartBody.Builder().setType(MultipartBody.FORM)
              .addFormDataPart("file", "a.txt", RequestBody.create(Bytes.text(7 * 1024 * 1024), BYTES))
              .addFormDataPart(field[0], field[1]).build());
      assertEquals(400, after.status(), field[0]);
    }
    assertEquals(0, objects(h, dir));
    assertTrue(h.runtime.store().listPendingUploads().isEmpty());
    assertTrue(h.runtime.queue().list(dev.ingest.queue.JobFilter.all()).isEmpty());
  }

  @Test
  void aFormWithoutAFileOrNotAFormIsRefused() throws Exception {
    assertEquals(400, upload(new MultipartBody.Builder().setType(MultipartBody.FORM).addFormDataPart("pipeline", "auto").build()).status());
    ServerHarness.Answer json = h.call(h.request("/v1/uploads", key).post(RequestBody.create("{}", MediaType.get("application/json"))).build());
    assertEquals(415, json.status());
    Request garbled = h.request("/v1/uploads", key)
        .post(RequestBody.create("--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nabc", MediaType.get("multipart/form-data; boundary=xyz")))
        .build();
    assertEquals(400, h.call(garbled).status());
    assertEquals(0, objects(h, dir));
  }

  @Test
  void aFileOverTheLimitAnswers413AndAForbiddenTypeAnswers415NothingStored() throws Exception {
    try (ServerHarness strict = new ServerHarness(dir.resolve("strict"), Map.of(),
        o -> TusProtocolTest.withLimits(o, new UploadLimits(6 * 1024 * 1024, List.of("text/plain"))))) {
      String k = strict.key("acme");
      ServerHarness.Answer big = strict.call(strict.request("/v1/uploads", k).post(new MultipartBody.Builder().setType(MultipartBody.FORM)
          .addFormDataPart("file", "big.txt", RequestBody.create(Bytes.text(7 * 1024 * 1024), BYTES)).build()).build());
      assertEquals(413, big.status());
      assertEquals("too_large", big.errorType());
      byte[] pdf = "%PDF-1.4\n1 0 obj\n<< >>\nendobj\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
      ServerHarness.Answer typed = strict.call(strict.request("/v1/uploads", k).post(new MultipartBody.Builder().setType(MultipartBody.FORM)
          .addFormDataPart("file", "renamed.txt", RequestBody.create(pdf, BYTES)).build()).build());
      assertEquals(415, typed.status(), "judged by content, not by name");
      assertEquals(0, objects(strict, dir.resolve("strict")));
      assertTrue(strict.runtime.store().listPendingUploads().isEmpty());
      ServerHarness.Answer ok = strict.call(strict.request("/v1/uploads", k).post(new MultipartBody.Builder().setType(MultipartBody.FORM)
          .addFormDataPart("file", "ok.txt", RequestBody.create(Bytes.text(1000), BYTES)).build()).build());
      assertEquals(202, ok.status());
    }
  }
}
