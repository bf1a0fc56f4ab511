package dev.ingest.cli.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ingest.testing.Relay;
import dev.ingest.testing.TestFiles;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code ingest serve} as a process of the built jar on SQLite and a folder, with curl, tus-js-client and the remote CLI. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ServeIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MIB = 1024 * 1024;

  @TempDir Path dir;
  private Jar jar;
  private Jar client;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void setUp() throws Exception {
    jar = new Jar(dir.resolve("home"));
    // why: the remote client runs elsewhere: its own home, no database, only the URL and the key.
    client = new Jar(dir.resolve("client"));
  }

  @AfterEach
  void tearDown() {
    jar.killAll();
    client.killAll();
  }

  private String key(String tenant, String scopes) throws Exception {
    Jar.Run r = jar.run("keys", "create", "--tenant", tenant, "--scope", scopes);
    assertEquals(0, r.code(), r.err());
    return r.out().trim();
  }

  private Process runCurl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("curl", "-sS"));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(false).start();
  }

  private String curl(String... args) throws Exception {
    Process p = runCurl(args);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    return out;
  }

  private static String sha256(Path file) throws Exception {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 20];
      int n;
      while ((n = in.read(buffer)) > 0) {
        d.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(d.digest());
  }

  private static Path randomFile(Path file, long size, long seed) throws Exception {
    Random random = new Random(seed);
    byte[] block = new byte[(int) MIB];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long written = 0; written < size; written += block.length) {
        random.nextBytes(block);
        out.write(block, 0, (int) Math.min(block.length, size - written));
      }
    }
    return file;
  }

  private JsonNode job(String url, String token, String id) throws Exception {
    HttpResponse<String> r = http.send(
        HttpRequest.newBuilder(URI.create(url + "/v1/jobs/" + id)).header("Authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  private long tusOffset(String uploadUrl, String token) throws Exception {
    HttpResponse<Void> r = http.send(
        HttpRequest.newBuilder(URI.create(uploadUrl)).method("HEAD", HttpRequest.BodyPublishers.noBody())
            .header("Authorization", "Bearer " + token).header("Tus-Resumable", "1.0.0").build(),
        HttpResponse.BodyHandlers.discarding());
    return r.statusCode() == 200 ? Long.parseLong(r.headers().firstValue("Upload-Offset").orElse("-1")) : -1;
  }

  private Path storedObject(String fileId) {
    return dir.resolve("home/blobs/objects").resolve(fileId);
  }

  @Test
  void aNewUserUploadsWithCurlFollowsTheJobLiveAndReadsTheResult() throws Exception {
    assumeTrue(Tools.curl(), "curl is not installed");
    String token = key("acme", "upload,read");
    Jar.Served served = jar.serve();
    jar.start("worker", "--concurrency", "2");
    Path pdf = TestFiles.pdf(dir.resolve("memo.pdf"), "Lunch is at noon on Friday.", "Bring a salad.");

    JsonNode upload = JSON.readTree(curl("-f", "-H", "Authorization: Bearer " + token, "-F", "file=@" + pdf, "-F", "meta=team=facilities",
        served.url() + "/v1/uploads"));
    String jobId = upload.path("jobId").asText();
    assertTrue(jobId.startsWith("job_"), upload.toString());
    assertEquals("memo.pdf", upload.path("name").asText());
    assertEquals(sha256(pdf), upload.path("sha256").asText());

    String events = curl("-N", "--max-time", "60", "-H", "Authorization: Bearer " + token, served.url() + "/v1/jobs/" + jobId + "/events");
    List<JsonNode> data = new ArrayList<>();
    for (String line : events.lines().toList()) {
      if (line.startsWith("data:")) {
        data.add(JSON.readTree(line.substring(5)));
      }
    }
    assertEquals("completed", data.get(data.size() - 1).path("status").asText(), events);
    assertTrue(events.contains("event: status"));

    String text = curl("-f", "-H", "Authorization: Bearer " + token, served.url() + "/v1/jobs/" + jobId + "/result");
    assertTrue(text.contains("Lunch is at noon on Friday."), text);
    String withoutKey = curl("-H", "Authorization: Bearer nope", served.url() + "/v1/jobs/" + jobId);
    assertEquals("unauthorized", JSON.readTree(withoutKey).path("error").path("type").asText());
  }

  @Test
  void aBrowserOnAnotherOriginUploadsWithFetchAndTusAndFollowsTheJobWithEventSource() throws Exception {
    assumeTrue(Tools.chromium(), "Chromium or playwright-core is missing");
    String token = key("acme", "upload,read");
    Jar.Served served = jar.serve();
    ProcessBuilder pb = new ProcessBuilder("node", Tools.browserScript().toString(), served.url(), token);
    pb.environment().put("CHROMIUM", Tools.chromiumPath().toString());
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process browser = pb.start();
    BufferedReader lines = new BufferedReader(new InputStreamReader(browser.getInputStream(), StandardCharsets.UTF_8));
    JsonNode uploads = null;
    JsonNode events = null;
    String line;
    while ((line = lines.readLine()) != null) {
      if (line.startsWith("uploads ")) {
        uploads = JSON.readTree(line.substring(8));
      } else if (line.equals("listening")) {
        jar.start("worker", "--concurrency", "2"); // why: the job runs only once the browser listens, so it hears it run
      } else if (line.startsWith("events ")) {
        events = JSON.readTree(line.substring(7));
      }
    }
    assertTrue(browser.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, browser.exitValue());

    assertEquals(202, uploads.path("status").asInt(), "a cross-origin form upload with an Authorization header");
    List<String> statuses = new ArrayList<>();
    events.forEach(e -> statuses.add(e.path("status").asText()));
    assertEquals("queued", statuses.get(0), events.toString());
    assertTrue(statuses.contains("running"), events.toString());
    assertEquals("completed", statuses.get(statuses.size() - 1), events.toString());
    events.forEach(e -> assertFalse(e.path("id").asText().isEmpty(), "every event has an id"));
    assertEquals("completed", job(served.url(), token, uploads.path("uploaded").path("jobId").asText()).path("status").asText());

    JsonNode tusJob = job(served.url(), token, uploads.path("tusJob").asText());
    byte[] bytes = new byte[6 * 1024 * 1024];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (i % 251);
    }
    assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)), tusJob.path("file").path("sha256").asText(),
        "tus-js-client's browser build sent every byte, in requests of 2 MiB");
    assertEquals("browser", tusJob.path("meta").path("from").asText());
    String uppyJob = uploads.path("uppyJob").asText();
    assertTrue(uppyJob.startsWith("job_"), "Uppy's XHRUpload: " + uppyJob);
    assertEquals("uppy.txt", job(served.url(), token, uppyJob).path("file").path("name").asText());
  }

  @Test
  void tusJsClientUploadsAndAnUploadKilledHalfwayContinuesThroughASecondServerAfterTheFirstIsKilled() throws Exception {
    assumeTrue(Tools.tusJsClient(), "Node.js or tus-js-client (npm ci --prefix cli/src/test/node) is missing");
    String token = key("acme", "upload,read");
    Path file = randomFile(dir.resolve("big.bin"), 60 * MIB + 12345, 42);
    Jar.Served first = jar.serve();
    try (Relay relay = new Relay(URI.create(first.url()).getPort())) {
      relay.limit(15 * MIB); // why: slow enough to stop the client half way
      ProcessBuilder pb = new ProcessBuilder("node", Tools.tusScript().toString(), file.toString());
      pb.environment().put("TUS_ENDPOINT", relay.url() + "/v1/tus/");
      pb.environment().put("TUS_TOKEN", token);
      pb.redirectErrorStream(true);
      Process node = pb.start();
      BufferedReader lines = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
      String uploadUrl = null;
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.startsWith("url ")) {
          uploadUrl = line.substring(4);
        }
        if (line.startsWith("progress ") && Long.parseLong(line.substring(9)) > 25 * MIB) {
          break;
        }
        assertFalse(line.startsWith("error") || line.startsWith("done"), line);
      }
      node.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // the client dies half way...
      String id = uploadUrl.substring(uploadUrl.lastIndexOf('/') + 1);
      String direct = first.url() + "/v1/tus/" + id;
      await().atMost(Duration.ofSeconds(20)).until(() -> tusOffset(direct, token) >= 16 * MIB);
      long kept = tusOffset(direct, token);
      first.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS); // ...and so does the server

      Jar.Served second = jar.serve();
      String there = second.url() + "/v1/tus/" + id;
      assertEquals(kept, tusOffset(there, token), "the offset survived the server");
      ProcessBuilder resume = new ProcessBuilder("node", Tools.tusScript().toString(), file.toString());
      resume.environment().put("TUS_UPLOAD_URL", there);
      resume.environment().put("TUS_TOKEN", token);
      resume.redirectErrorStream(true);
      Process again = resume.start();
      String out = new String(again.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(again.waitFor(120, TimeUnit.SECONDS));
      assertEquals(0, again.exitValue(), out);
      String doneLine = out.lines().filter(l -> l.startsWith("done ")).findFirst().orElseThrow(() -> new AssertionError(out));
      JsonNode job = job(second.url(), token, doneLine.substring(5));
      assertEquals(sha256(file), job.path("file").path("sha256").asText());
      assertEquals(sha256(file), sha256(storedObject(job.path("file").path("id").asText())), "the stored object is the file");
      assertEquals("big.bin", job.path("file").path("name").asText());
      try (Stream<Path> staged = Files.list(dir.resolve("home/blobs/.staging"))) {
        assertEquals(0, staged.count(), "nothing left staged");
      }
    }
  }

  @Test
  void theRemoteCliResumesAfterTheClientAndTheServerAreKilled() throws Exception {
    String token = key("acme", "upload,read");
    Path file = randomFile(dir.resolve("big.iso"), 80 * MIB + 777, 7);
    Jar.Served first = jar.serve();
    try (Relay relay = new Relay(URI.create(first.url()).getPort())) {
      relay.limit(20 * MIB);
      client.env("INGEST_TOKEN", token);
      Process upload = client.start("--server", relay.url(), "upload", file.toString(), "--no-progress", "--json");
      Path state = dir.resolve("client/remote-uploads");
      await().atMost(Duration.ofSeconds(60)).until(() -> Files.isDirectory(state) && uploadUrlIn(state) != null
          && tusOffset(first.url() + "/v1/tus/" + idOf(uploadUrlIn(state)), token) >= 24 * MIB);
      upload.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      first.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);

      Jar.Served second = jar.serve();
      relay.pointAt(URI.create(second.url()).getPort());
      relay.limit(0);
      Jar.Run again = client.run("--server", relay.url(), "upload", file.toString(), "--no-progress", "--json");
      assertEquals(0, again.code(), again.err());
      JsonNode line = JSON.readTree(again.out().trim());
      assertEquals(sha256(file), line.path("sha256").asText());
      assertTrue(line.path("bytesSent").asLong() < file.toFile().length() - 20 * MIB, "continued, not started over: " + line);
      assertEquals(sha256(file), sha256(storedObject(line.path("fileId").asText())));
      try (Stream<Path> left = Files.list(state)) {
        assertEquals(0, left.count(), "the upload's state is gone once it finished");
      }
    }
  }

  private static String uploadUrlIn(Path state) throws Exception {
    try (Stream<Path> files = Files.list(state)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".properties")).toList()) {
        java.util.Properties p = new java.util.Properties();
        try (var r = Files.newBufferedReader(f)) {
          p.load(r);
        }
        return p.getProperty("url");
      }
    }
    return null;
  }

  private static String idOf(String url) {
    return url.substring(url.lastIndexOf('/') + 1);
  }

  @Test
  void remoteCommandsPrintAndExitAsLocalOnesDo() throws Exception {
    String token = key("acme", "upload,read");
    String admin = key("acme", "admin");
    Jar.Served served = jar.serve();
    jar.start("worker", "--concurrency", "2");
    Path memo = Files.writeString(dir.resolve("memo.txt"), "Remote mode works like local mode.");
    client.env("INGEST_TOKEN", token).env("INGEST_SERVER", served.url());

    Jar.Run upload = client.run("upload", memo.toString(), "--wait");
    assertEquals(0, upload.code(), upload.err());
    assertTrue(upload.out().contains("completed"), upload.out());
    String id = upload.out().substring(0, upload.out().indexOf(' '));

    Jar.Run status = client.run("status", id, "--json");
    assertEquals(0, status.code(), status.err());
    JsonNode job = JSON.readTree(status.out());
    assertEquals("completed", job.path("status").asText());
    assertEquals("memo.txt", job.path("file").path("name").asText());
    assertTrue(job.has("errors"));

    Jar.Run follow = client.run("status", id, "--follow");
    assertEquals(0, follow.code(), follow.err());
    assertTrue(follow.out().contains("completed"));

    Jar.Run result = client.run("result", id);
    assertEquals(0, result.code(), result.err());
    assertEquals("Remote mode works like local mode.\n", result.out());

    Jar.Run list = client.run("jobs", "list", "--json");
    assertEquals(0, list.code(), list.err());
    assertEquals(id, JSON.readTree(list.out().lines().findFirst().orElseThrow()).path("id").asText());

    assertEquals(3, client.run("status", "job_00000000000000000000000000").code(), "unknown id");
    Jar.Run refused = client.run("jobs", "cancel", id);
    assertEquals(4, refused.code(), "a key without the admin scope");
    assertTrue(refused.err().startsWith("ingest: ") && refused.err().trim().lines().count() == 1, refused.err());
    Jar.Run illegal = client.env("INGEST_TOKEN", admin).run("jobs", "cancel", id);
    assertEquals(2, illegal.code(), "a finished job cannot be cancelled: " + illegal.err());
    Jar.Run stats = client.run("queue", "stats", "--json");
    assertEquals(0, stats.code(), stats.err());
    assertEquals(1, JSON.readTree(stats.out()).path("queues").path("default").path("completed").asInt());
    assertEquals(2, client.run("upload", dir.resolve("missing.txt").toString()).code());

    Jar.Run files = client.run("files", "list", "--json");
    assertEquals(0, files.code(), files.err());
    String fileId = JSON.readTree(files.out().lines().findFirst().orElseThrow()).path("id").asText();
    assertEquals(job.path("file").path("id").asText(), fileId);
    assertEquals(3, client.run("jobs", "delete", id, "job_00000000000000000000000000").code(), "every id is checked first");
    Jar.Run deleted = client.run("jobs", "delete", id, "--json");
    assertEquals(0, deleted.code(), deleted.err());
    assertEquals(fileId, JSON.readTree(deleted.out()).path("files").get(0).asText(), "its file went with its only job");
    assertEquals(3, client.run("status", id).code());
    assertEquals(3, client.run("files", "delete", fileId).code());

    Jar.Run badKey = client.env("INGEST_TOKEN", "key_00000000000000000000000000.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").run("jobs", "list");
    assertEquals(4, badKey.code());
    assertTrue(badKey.err().contains("refused the API key"), badKey.err());
    Jar.Run down = client.env("INGEST_SERVER", "http://127.0.0.1:1").run("jobs", "list");
    assertEquals(4, down.code());
    assertTrue(down.err().contains("cannot reach the server"), down.err());
  }

  private double uploadBytesReceived(String url) throws Exception {
    String metrics = http.send(HttpRequest.newBuilder(URI.create(url + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    return metrics.lines().filter(l -> l.startsWith("ingest_http_upload_bytes_total")).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static boolean refusesConnections(URI uri) {
    try (Socket probe = new Socket(uri.getHost(), uri.getPort())) {
      return false;
    } catch (java.io.IOException e) {
      return true;
    }
  }

  @Test
  void sigtermLetsAnUploadInFlightFinishThenExitsZero() throws Exception {
    String token = key("acme", "upload,read");
    Jar.Served served = jar.serve();
    URI uri = URI.create(served.url());
    byte[] body = ("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"slow.txt\"\r\n\r\n"
        + "x".repeat(100_000) + "\r\n--b--\r\n").getBytes(StandardCharsets.US_ASCII);
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST /v1/uploads HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
          + "\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body, 0, body.length / 2);
      out.flush();
      await().atMost(Duration.ofSeconds(10)).until(() -> uploadBytesReceived(served.url()) > 0);
      served.process().destroy(); // SIGTERM while the body is half sent
      await().atMost(Duration.ofSeconds(10)).until(() -> refusesConnections(uri));
      out.write(body, body.length / 2, body.length - body.length / 2);
      out.flush();
      String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
      assertEquals("HTTP/1.1 202 Accepted", status);
    }
    assertEquals(0, Jar.await(served.process(), Duration.ofSeconds(30)), jar.err(served.process()));
  }
}
