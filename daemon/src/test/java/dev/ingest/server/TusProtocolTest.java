package dev.ingest.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingest.auth.Scope;
import dev.ingest.core.Job;
import dev.ingest.tus.TusUpload;
import dev.ingest.upload.UploadLimits;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * tus 1.0 as the specification words it, each MUST a test, against the real server; subclasses run it on each
 * store (a folder, S3).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
abstract class TusProtocolTest {
  static final int MIB = 1024 * 1024;

  @TempDir Path dir;
  ServerHarness h;
  TusClient tus;

  /** Settings that put the store under test in place of the default folder. */
  protected abstract Map<String, String> store(Path dir);

  ServerHarness harness(Path at, java.util.function.UnaryOperator<ServerOptions> tune) throws Exception {
    return new ServerHarness(at, store(at), tune);
  }

  @BeforeEach
  void start() throws Exception {
    h = harness(dir, o -> o);
    tus = new TusClient(h, h.key("acme"));
  }

  @AfterEach
  void stop() {
    h.close();
  }

  private Job finishedJob(Response r) throws Exception {
    String jobId = r.header("Ingest-Job-Id");
    assertNotNull(jobId, "the answer to the last byte names the job");
    return h.runtime.queue().get(jobId);
  }

  private String storedSha(Job job) throws Exception {
    try (InputStream in = h.runtime.store().get(job.file().blobKey())) {
      return Bytes.sha256(in);
    }
  }

  @Test
  void optionsAnswersVersionExtensionsAndChecksumAlgorithmsWithoutAKey() throws Exception {
    try (Response r = h.http.newCall(new Request.Builder().url(h.url("/v1/tus/")).method("OPTIONS", null).build()).execute()) {
      assertEquals(204, r.code());
      assertEquals("1.0.0", r.header("Tus-Version"));
      assertTrue(r.header("Tus-Extension").contains("creation-with-upload"));
      assertTrue(r.header("Tus-Extension").contains("termination"));
      assertTrue(r.header("Tus-Extension").contains("expiration"));
      assertTrue(r.header("Tus-Extension").contains("checksum"));
      assertEquals("sha1,sha256", r.header("Tus-Checksum-Algorithm"));
    }
  }

  @Test
  void aRequestWithoutTusResumableOrWithAnotherVersionAnswers412WithTusVersion() throws Exception {
    Request.Builder b = h.request("/v1/tus/", h.key("acme")).header("Upload-Length", "10").post(RequestBody.create(new byte[0]));
    ServerHarness.Answer missing = h.call(b.build());
    assertEquals(412, missing.status());
    assertEquals("1.0.0", missing.headers().get("Tus-Version"));
    ServerHarness.Answer other = h.call(b.header("Tus-Resumable", "0.2.2").build());
    assertEquals(412, other.status());
  }

  @Test
  void creationAnswers201WithALocationAndHeadTellsOffsetLengthAndMetadata() throws Exception {
    String metadata = TusClient.meta("filename", "report.pdf", "pipeline", "auto");
    try (Response r = tus.create(100, metadata)) {
      assertEquals(201, r.code());
      assertEquals("1.0.0", r.header("Tus-Resumable"));
      assertTrue(r.header("Location").startsWith(h.url("/v1/tus/tus_")), r.header("Location"));
      assertEquals("0", r.header("Upload-Offset"));
      assertNotNull(r.header("Upload-Expires"));
      try (Response head = tus.head(r.header("Location"))) {
        assertEquals(200, head.code());
        assertEquals("0", head.header("Upload-Offset"));
        assertEquals("100", head.header("Upload-Length"));
        assertEquals("no-store", head.header("Cache-Control"));
        assertEquals(metadata, head.header("Upload-Metadata"));
        assertEquals("1.0.0", head.header("Tus-Resumable"));
      }
    }
  }

  @Test
  void patchesAppendAtTheOffsetAndTheLastByteEnqueuesTheJob() throws Exception {
    byte[] file = Bytes.text(12 * MIB + 12345);
    String url = tus.location(file.length, TusClient.meta("filename", "notes.txt", "queue", "docs", "meta", "team=legal"));
    int[] cuts = {0, 3 * MIB, 7 * MIB + 11, 11 * MIB, file.length};
    for (int i = 0; i + 1 < cuts.length; i++) {
      try (Response r = tus.patch(url, cuts[i], Bytes.range(file, cuts[i], cuts[i + 1]))) {
        assertEquals(204, r.code());
        assertEquals(Long.toString(cuts[i + 1]), r.header("Upload-Offset"));
        if (i + 2 < cuts.length) {
          assertNull(r.header("Ingest-Job-Id"));
          assertEquals(cuts[i + 1], tus.offset(url));
        } else {
          Job job = finishedJob(r);
          assertEquals("notes.txt", job.file().name());
          assertEquals("docs", job.queue());
          assertEquals(Map.of("team", "legal"), job.meta());
          assertEquals("acme", job.tenant());
          assertEquals("text/plain", job.file().mimeType());
          assertEquals(Bytes.sha256(file), job.file().sha256());
          assertEquals(Bytes.sha256(file), storedSha(job));
        }
      }
    }
    try (Response head = tus.head(url)) {
      assertEquals(200, head.code());
      assertEquals(Long.toString(file.length), head.header("Upload-Offset"));
      assertNotNull(head.header("Ingest-Job-Id"), "a later HEAD names the job too");
    }
  }

  @Test
  void patchWithTheWrongOffsetAnswers409AndKeepsTheOffset() throws Exception {
    String url = tus.location(100, null);
    try (Response r = tus.patch(url, 0, Bytes.text(40))) {
      assertEquals(204, r.code());
    }
    try (Response r = tus.patch(url, 10, Bytes.text(40))) {
      assertEquals(409, r.code());
      assertEquals("40", r.header("Upload-Offset"));
    }
    assertEquals(40, tus.offset(url));
  }

  @Test
  void patchWithoutTheOffsetStreamMediaTypeAnswers415() throws Exception {
    String url = tus.location(10, null);
    Request patch = tus.base(url).header("Upload-Offset", "0").patch(RequestBody.create(Bytes.text(10), MediaType.get("text/plain"))).build();
    assertEquals(415, h.call(patch).status());
    assertEquals(0, tus.offset(url));
  }

  @Test
  void aPatchPastTheDeclaredLengthAnswers413AndKeepsTheOffset() throws Exception {
    String url = tus.location(100, null);
    try (Response r = tus.patch(url, 0, Bytes.text(60))) {
      assertEquals(204, r.code());
    }
    try (Response r = tus.patch(url, 60, Bytes.text(41))) {
      assertEquals(413, r.code());
    }
    assertEquals(60, tus.offset(url));
  }

  @Test
  void negativeHugeOrMissingUploadLengthsAndMalformedMetadataAreRefused() throws Exception {
    assertEquals(400, ServerHarness.read(tus.create(-1, null)).status());
    Request huge = tus.base(h.url("/v1/tus/")).header("Upload-Length", "99999999999999999999999").post(RequestBody.create(new byte[0])).build();
    assertEquals(400, h.call(huge).status());
    Request none = tus.base(h.url("/v1/tus/")).post(RequestBody.create(new byte[0])).build();
    assertEquals(400, h.call(none).status());
    for (String bad : List.of("filename not-base64!", "a b c", ",", "file name " + "eA==", "x eA==,x eA==")) {
      ServerHarness.Answer a = ServerHarness.read(tus.create(10, bad));
      assertEquals(400, a.status(), bad);
      assertTrue(a.body().path("error").path("message").asText().contains("Upload-Metadata"), a.body().toString());
    }
    assertEquals(400, ServerHarness.read(tus.create(10, TusClient.meta("maxAttempts", "-3"))).status());
    assertEquals(400, ServerHarness.read(tus.create(10, TusClient.meta("priority", "soonish"))).status());
    assertTrue(h.runtime.tus().expiredBefore(null, java.time.Instant.parse("3000-01-01T00:00:00Z")).isEmpty(), "no upload was made");
  }

  @Test
  void aLengthOverTheServersLimitAnswers413AndOptionsAdvertisesTheLimit() throws Exception {
    try (ServerHarness limited = harness(dir.resolve("limited"), o -> withLimits(o, new UploadLimits(1000, List.of())))) {
      TusClient t = new TusClient(limited, limited.key("acme"));
      assertEquals(413, ServerHarness.read(t.create(1001, null)).status());
      assertEquals(201, ServerHarness.read(t.create(1000, null)).status());
      try (Response r = limited.http.newCall(new Request.Builder().url(limited.url("/v1/tus/")).method("OPTIONS", null).build()).execute()) {
        assertEquals("1000", r.header("Tus-Max-Size"));
      }
    }
  }

  /** A body that sends its first {@code pause} bytes, counts {@code sent} down, and the rest once {@code goOn} opens. */
  static RequestBody pausing(byte[] file, int pause, CountDownLatch sent, CountDownLatch goOn) {
    return new RequestBody() {
      @Override
      public MediaType contentType() {
        return TusClient.OFFSET_STREAM;
      }

      @Override
      public long contentLength() {
        return file.length;
      }

      @Override
      public void writeTo(BufferedSink sink) throws java.io.IOException {
        sink.write(file, 0, pause);
        sink.flush();
        sent.countDown();
        try {
          goOn.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          throw new java.io.InterruptedIOException();
        }
        sink.write(file, pause, file.length - pause);
      }
    };
  }

  private CompletableFuture<Integer> patchInBackground(String url, RequestBody body) {
    return CompletableFuture.supplyAsync(() -> {
      try (Response r = h.http.newCall(tus.base(url).header("Upload-Offset", "0").patch(body).build()).execute()) {
        return r.code();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  static ServerOptions withLimits(ServerOptions o, UploadLimits limits) {
    return new ServerOptions(o.host(), o.port(), o.noAuth(), limits, o.rateLimit(), o.corsOrigins(), o.tlsCert(), o.tlsKey(),
        o.idleTimeout(), o.shutdownGrace(), o.tusExpiry(), o.tokenTtl(), o.eventsPoll(), o.eventsHeartbeat());
  }

  static ServerOptions withExpiry(ServerOptions o, Duration expiry) {
    return new ServerOptions(o.host(), o.port(), o.noAuth(), o.limits(), o.rateLimit(), o.corsOrigins(), o.tlsCert(), o.tlsKey(),
        o.idleTimeout(), o.shutdownGrace(), expiry, o.tokenTtl(), o.eventsPoll(), o.eventsHeartbeat());
  }

  @Test
  void creationWithUploadStoresTheBodyAndAWholeFileGetsItsJobAtOnce() throws Exception {
    byte[] file = Bytes.text(5000);
    Request create =
        tus.base(h.url("/v1/tus/"))
            .header("Upload-Length", "5000")
            .header("Upload-Metadata", TusClient.meta("filename", "small.txt"))
            .post(RequestBody.create(file, TusClient.OFFSET_STREAM))
            .build();
    try (Response r = h.http.newCall(create).execute()) {
      assertEquals(201, r.code());
      assertEquals("5000", r.header("Upload-Offset"));
      assertEquals(Bytes.sha256(file), storedSha(finishedJob(r)));
    }
    Request partial =
        tus.base(h.url("/v1/tus/")).header("Upload-Length", "9000").post(RequestBody.create(Bytes.text(4000), TusClient.OFFSET_STREAM)).build();
    try (Response r = h.http.newCall(partial).execute()) {
      assertEquals(201, r.code());
      assertEquals("4000", r.header("Upload-Offset"));
      assertEquals(4000, tus.offset(r.header("Location")));
    }
  }

  @Test
  void anUploadOfNoBytesIsCompleteWhenCreated() throws Exception {
    try (Response r = tus.create(0, TusClient.meta("filename", "empty.txt"))) {
      assertEquals(201, r.code());
      Job job = finishedJob(r);
      assertEquals(0, job.file().size());
      assertEquals(Bytes.sha256(new byte[0]), job.file().sha256());
    }
  }

  @Test
  void aMatchingChecksumIsAcceptedAndAWrongOneAnswers460AndKeepsNothing() throws Exception {
    byte[] file = Bytes.text(3000);
    String url = tus.location(file.length, null);
    byte[] first = Bytes.range(file, 0, 1000);
    String sha1 = Base64.getEncoder().encodeToString(Bytes.digest("SHA-1").digest(first));
    try (Response r = tus.patch(url, 0, first, "Upload-Checksum", "sha1 " + sha1)) {
      assertEquals(204, r.code());
    }
    byte[] second = Bytes.range(file, 1000, 3000);
    String wrong = Base64.getEncoder().encodeToString(Bytes.digest("SHA-256").digest(first));
    try (Response r = tus.patch(url, 1000, second, "Upload-Checksum", "sha256 " + wrong)) {
      assertEquals(460, r.code());
    }
    assertEquals(1000, tus.offset(url));
    try (Response r = tus.patch(url, 1000, second, "Upload-Checksum", "md5 AAAA")) {
      assertEquals(400, r.code(), "an algorithm the server does not support");
    }
    String right = Base64.getEncoder().encodeToString(Bytes.digest("SHA-256").digest(second));
    try (Response r = tus.patch(url, 1000, second, "Upload-Checksum", "sha256 " + right)) {
      assertEquals(204, r.code());
      assertEquals(Bytes.sha256(file), storedSha(finishedJob(r)));
    }
  }

  @Test
  void terminationRemovesTheUploadAndItsBytes() throws Exception {
    String url = tus.location(20 * MIB, null);
    try (Response r = tus.patch(url, 0, Bytes.text(9 * MIB))) {
      assertEquals(204, r.code());
    }
    String id = url.substring(url.lastIndexOf('/') + 1);
    TusUpload before = h.runtime.tus().find("acme", id).orElseThrow();
    assertNotNull(before.storeUploadId());
    try (Response r = tus.delete(url)) {
      assertEquals(204, r.code());
    }
    try (Response r = tus.head(url)) {
      assertEquals(404, r.code());
    }
    assertTrue(h.runtime.store().stat(before.tailKey()).isEmpty());
    assertTrue(h.runtime.store().listPendingUploads().isEmpty(), "the store's multipart upload is gone");
  }

  @Test
  void anExpiredUploadAnswers410() throws Exception {
    try (ServerHarness brief = harness(dir.resolve("brief"), o -> withExpiry(o, Duration.ofMillis(1)))) {
      TusClient t = new TusClient(brief, brief.key("acme"));
      String url = t.location(10, null);
      await().atMost(Duration.ofSeconds(5)).until(() -> {
        try (Response r = t.head(url)) {
          return r.code() == 410;
        }
      });
      try (Response r = t.patch(url, 0, Bytes.text(10))) {
        assertEquals(410, r.code());
      }
      assertEquals(1, brief.runtime.retention().expireTusUploads(null, false));
      try (Response r = t.head(url)) {
        assertEquals(404, r.code());
      }
    }
  }

  @Test
  void methodOverrideLetsAPostActAsPatchAndDelete() throws Exception {
    String url = tus.location(10, null);
    Request patch =
        tus.base(url).header("X-HTTP-Method-Override", "PATCH").header("Upload-Offset", "0")
            .post(RequestBody.create(Bytes.text(4), TusClient.OFFSET_STREAM)).build();
    try (Response r = h.http.newCall(patch).execute()) {
      assertEquals(204, r.code());
      assertEquals("4", r.header("Upload-Offset"));
    }
    Request delete = tus.base(url).header("X-HTTP-Method-Override", "DELETE").post(RequestBody.create(new byte[0])).build();
    assertEquals(204, h.call(delete).status());
    try (Response r = tus.head(url)) {
      assertEquals(404, r.code());
    }
  }

  @Test
  void aCorsPreflightAllowsTheTusHeadersAndAnswersExposeThem() throws Exception {
    Request preflight =
        new Request.Builder().url(h.url("/v1/tus/")).method("OPTIONS", null)
            .header("Origin", "https://app.example").header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "upload-length,tus-resumable,upload-metadata,authorization").build();
    try (Response r = h.http.newCall(preflight).execute()) {
      assertEquals(204, r.code());
      assertEquals("*", r.header("Access-Control-Allow-Origin"));
      String allowed = r.header("Access-Control-Allow-Headers");
      for (String header : List.of("Upload-Length", "Tus-Resumable", "Upload-Metadata", "Upload-Offset", "Upload-Checksum", "Authorization", "X-HTTP-Method-Override")) {
        assertTrue(allowed.contains(header), header);
      }
      assertTrue(r.header("Access-Control-Allow-Methods").contains("PATCH"));
    }
    try (Response r = h.http.newCall(tus.base(h.url("/v1/tus/")).header("Origin", "https://app.example").header("Upload-Length", "1")
        .post(RequestBody.create(new byte[0])).build()).execute()) {
      String exposed = r.header("Access-Control-Expose-Headers");
      for (String header : List.of("Location", "Upload-Offset", "Tus-Resumable", "Upload-Expires", "Ingest-Job-Id")) {
        assertTrue(exposed.contains(header), header);
      }
    }
  }

  @Test
  void aSecondRequestWritingTheSameUploadAnswers423() throws Exception {
    byte[] file = Bytes.text(2 * MIB);
    String url = tus.location(file.length, null);
    CountDownLatch halfSent = new CountDownLatch(1);
    CountDownLatch goOn = new CountDownLatch(1);
    CompletableFuture<Integer> first = patchInBackground(url, pausing(file, MIB, halfSent, goOn));
    assertTrue(halfSent.await(30, TimeUnit.SECONDS));
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      try (Response r = tus.patch(url, 0, Bytes.text(10))) {
        return r.code() == 423 && r.header("Retry-After") != null;
      }
    });
    goOn.countDown();
    assertEquals(204, first.get(30, TimeUnit.SECONDS));
    assertEquals(file.length, tus.offset(url));
  }

  @Test
  void wholePartsAreCommittedWhileALongRequestIsStillSending() throws Exception {
    byte[] file = Bytes.random(20 * MIB, 11);
    String url = tus.location(file.length, null);
    CountDownLatch goOn = new CountDownLatch(1);
    CompletableFuture<Integer> patch = patchInBackground(url, pausing(file, 17 * MIB, new CountDownLatch(1), goOn));
    // why: a server killed now would keep these two parts; the request has not ended, yet HEAD shows them.
    await().atMost(Duration.ofSeconds(20)).until(() -> tus.offset(url) == 16 * MIB);
    goOn.countDown();
    assertEquals(204, patch.get(30, TimeUnit.SECONDS));
    try (Response head = tus.head(url)) {
      assertEquals(Long.toString(file.length), head.header("Upload-Offset"));
      Job job = h.runtime.queue().get(head.header("Ingest-Job-Id"));
      assertEquals(Bytes.sha256(file), storedSha(job));
    }
  }

  @Test
  void offsetsSurviveARestartAndAnotherServerProcessContinuesTheUpload() throws Exception {
    byte[] file = Bytes.random(19 * MIB + 777, 7);
    String url = tus.location(file.length, TusClient.meta("filename", "big.bin"));
    int cut = 9 * MIB + 5;
    try (Response r = tus.patch(url, 0, Bytes.range(file, 0, cut))) {
      assertEquals(204, r.code());
    }
    String id = url.substring(url.lastIndexOf('/') + 1);
    TusUpload stored = h.runtime.tus().find("acme", id).orElseThrow();
    assertEquals(1, stored.partsStored());
    assertEquals(cut - stored.partSize(), stored.tailSize(), "bytes short of a whole part wait in the store");
    assertEquals(stored.tailSize(), h.runtime.store().stat(stored.tailKey()).orElseThrow().size());

    try (ServerHarness other = h.another()) {
      TusClient there = new TusClient(other, other.key("acme"));
      String otherUrl = other.url("/v1/tus/" + id);
      assertEquals(cut, there.offset(otherUrl));
      try (Response r = there.patch(otherUrl, cut, Bytes.range(file, cut, file.length))) {
        assertEquals(204, r.code());
        Job job = other.runtime.queue().get(r.header("Ingest-Job-Id"));
        assertEquals(Bytes.sha256(file), job.file().sha256(), "hashed from the store: this process saw only the end");
        try (InputStream in = other.runtime.store().get(job.file().blobKey())) {
          assertEquals(Bytes.sha256(file), Bytes.sha256(in));
        }
      }
    }
    assertTrue(h.runtime.store().stat(stored.tailKey()).isEmpty(), "the tail is gone once the upload is whole");
  }

  @Test
  void whatArrivedBeforeTheClientWentAwayIsKept() throws Exception {
    byte[] file = Bytes.random(8 * MIB, 3);
    String url = tus.location(file.length, null);
    URI uri = URI.create(url);
    String token = h.key("acme");
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(("PATCH " + uri.getPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + "\r\nAuthorization: Bearer " + token
          + "\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: "
          + file.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(file, 0, 6 * MIB + 3);
      out.flush();
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> tus.offset(url) == 6 * MIB + 3);
    try (Response r = tus.patch(url, 6 * MIB + 3, Bytes.range(file, 6 * MIB + 3, file.length))) {
      assertEquals(204, r.code());
      assertEquals(Bytes.sha256(file), storedSha(finishedJob(r)));
    }
  }

  @Test
  void contentOfAMediaTypeTheServerDoesNotAcceptAnswers415AndEndsTheUpload() throws Exception {
    try (ServerHarness strict = harness(dir.resolve("strict"), o -> withLimits(o, new UploadLimits(0, List.of("text/*"))))) {
      TusClient t = new TusClient(strict, strict.key("acme"));
      String url = t.location(20000, TusClient.meta("filename", "looks-like.txt"));
      byte[] pdf = new byte[20000];
      byte[] head = "%PDF-1.4\n%\u00e2\u00e3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n".getBytes(StandardCharsets.ISO_8859_1);
      System.arraycopy(head, 0, pdf, 0, head.length);
      try (Response r = t.patch(url, 0, pdf)) {
        assertEquals(415, r.code());
      }
      try (Response r = t.head(url)) {
        assertEquals(404, r.code());
      }
      String ok = t.location(9000, null);
      try (Response r = t.patch(ok, 0, Bytes.text(9000))) {
        assertEquals(204, r.code());
        assertNotNull(r.header("Ingest-Job-Id"));
      }
    }
  }

  @Test
  void uploadingNeedsTheUploadScope() throws Exception {
    TusClient reader = new TusClient(h, h.key("acme", Scope.READ));
    assertEquals(403, ServerHarness.read(reader.create(10, null)).status());
    assertEquals(401, ServerHarness.read(new TusClient(h, null).create(10, null)).status());
  }
}
