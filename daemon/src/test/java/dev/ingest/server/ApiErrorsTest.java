package dev.ingest.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ingest.auth.IssuedKey;
import dev.ingest.auth.Scope;
import dev.ingest.core.Job;
import dev.ingest.core.NewJob;
import dev.ingest.json.Json;
import dev.ingest.queue.Lease;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The error battery: every status the API documents, in the one error shape, and nothing leaked. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ApiErrorsTest {
  @TempDir Path dir;
  ServerHarness h;

  @BeforeEach
  void start() throws Exception {
    h = new ServerHarness(dir, Map.of(), o -> new ServerOptions(o.host(), o.port(), false, o.limits(), o.rateLimit(), o.corsOrigins(),
        null, null, Duration.ofSeconds(2), o.shutdownGrace(), o.tusExpiry(), o.tokenTtl(), o.eventsPoll(), o.eventsHeartbeat()));
  }

  @AfterEach
  void stop() {
    h.close();
  }

  private static void assertError(ServerHarness.Answer a, int status, String type) {
    assertEquals(status, a.status(), a.body().toString());
    assertEquals(type, a.errorType(), a.body().toString());
    assertFalse(a.body().path("error").path("message").asText().isBlank());
  }

  private Job enqueue(String tenant) {
    return h.runtime.queue().enqueue(NewJob.builder("auto").tenant(tenant).build()).job();
  }

  @Test
  void noKeyAMalformedHeaderOrAnUnknownKeyAnswers401WithoutSayingWhy() throws Exception {
    ServerHarness.Answer none = h.call(h.request("/v1/jobs", null).build());
    assertError(none, 401, "unauthorized");
    assertEquals("Bearer", none.headers().get("WWW-Authenticate"));
    assertError(h.call(h.request("/v1/jobs", null).header("Authorization", "Basic dXNlcjpwdw==").build()), 401, "unauthorized");
    String real = h.key("acme");
    String forged = real.substring(0, real.indexOf('.') + 1) + "a".repeat(32);
    ServerHarness.Answer wrong = h.call(h.request("/v1/jobs", forged).build());
    assertError(wrong, 401, "unauthorized");
    assertFalse(wrong.body().toString().contains(forged.substring(forged.indexOf('.'))), "the secret is not echoed");
  }

  @Test
  void aRevokedKeyIsRefusedWithinTheCacheTime() throws Exception {
    IssuedKey key = h.runtime.keys().create("acme", Scope.DEFAULT, null);
    assertEquals(200, h.call(h.request("/v1/jobs", key.token()).build()).status());
    h.runtime.keys().revoke(key.key().id());
    await().atMost(Authenticator.CACHE_TTL.plusSeconds(5)).pollInterval(Duration.ofMillis(200))
        .until(() -> h.call(h.request("/v1/jobs", key.token()).build()).status() == 401);
  }

  @Test
  void scopesAreCheckedPerRoute() throws Exception {
    String uploader = h.key("acme", Scope.UPLOAD);
    String reader = h.key("acme", Scope.READ);
    Job job = enqueue("acme");
    assertError(h.call(h.request("/v1/jobs/" + job.id(), uploader).build()), 403, "forbidden");
    assertEquals(200, h.call(h.request("/v1/jobs/" + job.id(), reader).build()).status());
    assertError(ServerHarness.read(h.post("/v1/jobs/" + job.id() + "/cancel", reader, "")), 403, "forbidden");
    assertError(h.call(h.request("/v1/queue/stats", reader).build()), 403, "forbidden");
    assertError(ServerHarness.read(h.post("/v1/cleanup", reader, "{\"olderThan\":\"7d\"}")), 403, "forbidden");
    String admin = h.key("acme", Scope.ADMIN);
    assertEquals(200, h.call(h.request("/v1/jobs/" + job.id(), admin).build()).status(), "admin may read");
    assertEquals(200, ServerHarness.read(h.post("/v1/jobs/" + job.id() + "/cancel", admin, "")).status());
  }

  @Test
  void unknownIdsAndRoutesAnswer404AndAWrongMethod405() throws Exception {
    String key = h.key("acme");
    assertError(h.call(h.request("/v1/jobs/job_00000000000000000000000000", key).build()), 404, "not_found");
    assertError(h.call(h.request("/v1/nothing", key).build()), 404, "not_found");
    ServerHarness.Answer method = h.call(h.request("/v1/jobs", key).delete().build());
    assertError(method, 405, "method_not_allowed");
    assertEquals("GET", method.headers().get("Allow"));
  }

  @Test
  void illegalTransitionsAnswer409() throws Exception {
    String admin = h.key("acme", Scope.ADMIN);
    Job job = enqueue("acme");
    Lease lease = h.runtime.queue().claim("w", List.of(), 1, Duration.ofMinutes(1)).get(0);
    h.runtime.queue().complete(lease, "{}");
    assertError(ServerHarness.read(h.post("/v1/jobs/" + job.id() + "/cancel", admin, "")), 409, "conflict");
    assertError(ServerHarness.read(h.post("/v1/jobs/" + job.id() + "/retry", admin, "")), 409, "conflict");
  }

  @Test
  void badListingParametersAnswer400() throws Exception {
    String key = h.key("acme");
    for (String query : List.of("limit=0", "limit=100000", "limit=ten", "status=done", "cursor=%27%3B%20DROP")) {
      assertError(h.call(h.request("/v1/jobs?" + query, key).build()), 400, "invalid_request");
    }
    assertEquals(200, h.call(h.request("/v1/jobs?limit=5&status=queued", key).build()).status());
  }

  @Test
  void listingsPageWithTheCursor() throws Exception {
    String key = h.key("acme");
    for (int i = 0; i < 5; i++) {
      enqueue("acme");
      Thread.sleep(2); // ids order by the millisecond they were made in
    }
    JsonNode first = h.call(h.request("/v1/jobs?limit=3", key).build()).body();
    assertEquals(3, first.path("jobs").size());
    String cursor = first.path("nextCursor").asText();
    JsonNode second = h.call(h.request("/v1/jobs?limit=3&cursor=" + cursor, key).build()).body();
    assertEquals(2, second.path("jobs").size());
    assertTrue(second.path("nextCursor").isNull());
  }

  @Test
  void cleanupChecksItsBody() throws Exception {
    String admin = h.key("acme", Scope.ADMIN);
    assertError(ServerHarness.read(h.post("/v1/cleanup", admin, "{}")), 400, "invalid_request");
    assertError(ServerHarness.read(h.post("/v1/cleanup", admin, "{\"olderThan\":\"soon\"}")), 400, "invalid_request");
    assertError(ServerHarness.read(h.post("/v1/cleanup", admin, "not json")), 400, "invalid_request");
    assertError(ServerHarness.read(h.post("/v1/cleanup", admin, "{\"olderThan\":\"" + "x".repeat(5000) + "\"}")), 413, "too_large");
    JsonNode r = ServerHarness.read(h.post("/v1/cleanup", admin, "{\"olderThan\":\"7d\",\"dryRun\":true}")).body();
    assertTrue(r.path("dryRun").asBoolean());
    assertEquals(0, r.path("jobs").asInt());
  }

  @Test
  void tooManyRequestsForAKeyAnswer429WithRetryAfter() throws Exception {
    try (ServerHarness slow = new ServerHarness(dir.resolve("slow"), Map.of(), o -> new ServerOptions(o.host(), o.port(), false,
        o.limits(), 1, o.corsOrigins(), null, null, o.idleTimeout(), o.shutdownGrace(), o.tusExpiry(), o.tokenTtl(), o.eventsPoll(), o.eventsHeartbeat()))) {
      String key = slow.key("acme");
      String other = slow.key("acme");
      ServerHarness.Answer last = null;
      for (int i = 0; i < 4; i++) {
        last = slow.call(slow.request("/v1/jobs", key).build());
      }
      assertError(last, 429, "rate_limited");
      assertNotNull(last.headers().get("Retry-After"));
      assertEquals(200, slow.call(slow.request("/v1/jobs", other).build()).status(), "the budget is per key");
    }
  }

  /** Sends raw bytes and returns what came back before the server closed or a second passed. */
  private String raw(String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", h.server.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      int n;
      try {
        while ((n = in.read(buffer)) > 0) {
          got.write(buffer, 0, n);
          if (got.toString(StandardCharsets.ISO_8859_1).contains("}\n")) {
            break;
          }
        }
      } catch (java.net.SocketException e) {
        // the server closed the connection
      }
      return got.toString(StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void garbageRequestLinesAndHeadersAnswer400InTheErrorShape() throws Exception {
    String bad = raw("GET /v1/jobs HTTP/1.1\r\nHost: x\r\nNot a header line\r\n\r\n");
    assertTrue(bad.startsWith("HTTP/1.1 400"), bad);
    assertTrue(bad.contains("\"type\":\"invalid_request\""), bad);
    String garbage = raw("\u0001\u0002 HELLO\r\n\r\n");
    assertTrue(garbage.isEmpty() || garbage.startsWith("HTTP/1.1 400"), garbage);
  }

  @Test
  void headersFarTooLargeAnswer431() throws Exception {
    String big = raw("GET /v1/jobs HTTP/1.1\r\nHost: x\r\nX-Filler: " + "a".repeat(64 * 1024) + "\r\n\r\n");
    assertTrue(big.startsWith("HTTP/1.1 431"), big.lines().findFirst().orElse(""));
    assertTrue(big.contains("headers_too_large"), big);
  }

  @Test
  void aClientThatStallsMidBodyIsCutOffAfterTheIdleTimeoutAndTheServerGoesOn() throws Exception {
    String key = h.key("acme");
    long start = System.nanoTime();
    try (Socket socket = new Socket("127.0.0.1", h.server.port())) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /v1/uploads HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key
          + "\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n--b\r\n"
          + "Content-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nsome bytes then nothing")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[4096];
      try {
        while (in.read(buffer) >= 0) {
          // drain until the server gives up on us
        }
      } catch (java.net.SocketException e) {
        // reset: also a close
      }
    }
    long took = System.nanoTime() - start;
    assertTrue(took < Duration.ofSeconds(15).toNanos(), "the idle timeout closed the connection");
    try (Response r = h.get("/healthz", null)) {
      assertEquals(200, r.code());
    }
    assertTrue(h.runtime.queue().list(dev.ingest.queue.JobFilter.all()).isEmpty());
  }

  @Test
  void healthAndMetricsAnswerWithoutAKey() throws Exception {
    try (Response r = h.get("/healthz", null)) {
      assertEquals(200, r.code());
      assertEquals("ok\n", r.body().string());
    }
    h.call(h.request("/v1/jobs", null).build());
    try (Response r = h.get("/metrics", null)) {
      String text = r.body().string();
      assertTrue(text.contains("ingest_http_requests_seconds_count{method=\"GET\",route=\"/v1/jobs\",status=\"401\"}"), text);
      assertTrue(text.contains("ingest_queue_depth") || text.contains("ingest_http_event_streams"));
    }
  }

  @Test
  void aTokenOrKeyNeverAppearsInAnAnswerOrTheServersLog() throws Exception {
    ch.qos.logback.classic.Logger root =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> log = new ch.qos.logback.core.read.ListAppender<>();
    log.start();
    root.addAppender(log);
    try {
      String key = h.key("acme");
      String secret = key.substring(key.indexOf('.') + 1);
      Job job = enqueue("acme");
      JsonNode token = ServerHarness.read(h.post("/v1/jobs/" + job.id() + "/token", key, "")).body();
      String t = token.path("token").asText();
      ServerHarness.Answer viaToken = h.call(h.request("/v1/jobs/" + job.id() + "?token=" + t, null).build());
      assertEquals(200, viaToken.status());
      assertFalse(Json.line(viaToken.body()).contains(t));
      h.call(h.request("/v1/jobs/" + job.id() + "?token=" + t + "x", null).build());
      h.call(h.request("/v1/jobs", key + "x").build());
      assertFalse(log.list.isEmpty(), "the access log wrote lines");
      for (var event : log.list) {
        String line = event.getFormattedMessage();
        assertFalse(line.contains(secret) || line.contains(t), line);
      }
    } finally {
      root.detachAppender(log);
    }
  }
}
