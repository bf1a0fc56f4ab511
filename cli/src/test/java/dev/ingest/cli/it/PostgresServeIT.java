package dev.ingest.cli.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ingest.blob.s3.S3BlobStore;
import dev.ingest.blob.s3.S3Location;
import dev.ingest.testing.EmbeddedPg;
import dev.ingest.testing.S3Servers;
import dev.ingest.tus.TusUpload;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Two {@code ingest serve} processes of the built jar on one PostgreSQL and one S3 store (S3Proxy), as a
 * deployment behind a load balancer runs them: an upload begun on one is continued on the other, the bytes
 * short of an S3 part are kept in the store between requests, and each server sees only its caller's tenant.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PostgresServeIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BUCKET = "serve-test";
  private static final int MIB = 1024 * 1024;
  private static S3Servers.Server s3server;
  private static S3Client s3;

  @TempDir Path dir;
  private Jar jar;
  private S3BlobStore store;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startS3() throws Exception {
    s3server = S3Servers.s3proxy(Files.createTempDirectory("serve-s3"));
    s3 = S3BlobStore.client(new S3Location(BUCKET, "", s3server.endpoint(), "us-east-1", true), 4,
        StaticCredentialsProvider.create(AwsBasicCredentials.create(S3Servers.ACCESS_KEY, S3Servers.SECRET_KEY)));
    s3.createBucket(b -> b.bucket(BUCKET));
  }

  @AfterAll
  static void stopS3() {
    s3.close();
    s3server.close();
  }

  @BeforeEach
  void setUp() throws Exception {
    String prefix = dir.getFileName().toString();
    jar = new Jar(dir.resolve("home"))
        .env("INGEST_DB", EmbeddedPg.freshDatabase())
        .env("INGEST_STORE", "s3://" + BUCKET + "/" + prefix)
        .env("INGEST_S3_ENDPOINT", s3server.endpoint().toString())
        .env("INGEST_S3_PATH_STYLE", "true")
        .env("INGEST_S3_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", S3Servers.ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", S3Servers.SECRET_KEY);
    store = new S3BlobStore(s3, new S3Location(BUCKET, prefix + "/", s3server.endpoint(), "us-east-1", true));
  }

  @AfterEach
  void tearDown() {
    jar.killAll();
  }

  private String key(String tenant, String... scope) throws Exception {
    List<String> args = new ArrayList<>(List.of("keys", "create", "--tenant", tenant));
    if (scope.length > 0) {
      args.addAll(List.of("--scope", scope[0]));
    }
    Jar.Run r = jar.run(args.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    return r.out().trim();
  }

  private HttpResponse<String> tus(String method, String url, String token, byte[] body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Tus-Resumable", "1.0.0").header("Authorization", "Bearer " + token);
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void anUploadBegunOnOneServerIsFinishedOnAnotherAfterTheFirstIsKilled() throws Exception {
    String token = key("acme");
    byte[] file = new byte[19 * MIB + 4321];
    new Random(5).nextBytes(file);
    Jar.Served a = jar.serve();
    Jar.Served b = jar.serve();

    HttpResponse<String> created = tus("POST", a.url() + "/v1/tus/", token, null,
        "Upload-Length", Integer.toString(file.length), "Upload-Metadata", "filename " + Base64.getEncoder().encodeToString("scan.bin".getBytes()));
    assertEquals(201, created.statusCode(), created.body());
    String id = created.headers().firstValue("Location").orElseThrow().replaceAll(".*/", "");
    int[] cuts = {0, 3 * MIB, 9 * MIB + 17};
    for (int i = 0; i + 1 < cuts.length; i++) {
      HttpResponse<String> r = tus("PATCH", a.url() + "/v1/tus/" + id, token, Arrays.copyOfRange(file, cuts[i], cuts[i + 1]),
          "Upload-Offset", Integer.toString(cuts[i]), "Content-Type", "application/offset+octet-stream");
      assertEquals(204, r.statusCode(), r.body());
    }
    // why: 9 MiB + 17 is one 8 MiB part in S3's multipart upload and 1 MiB + 17 short of the next: kept as an
    // object in the store, not in the server's memory, so the other server can continue.
    String tail = TusUpload.tailKey(id, cuts[2]);
    assertEquals(cuts[2] - 8 * MIB, store.stat(tail).orElseThrow().size());
    a.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);

    HttpResponse<String> head = tus("HEAD", b.url() + "/v1/tus/" + id, token, null);
    assertEquals(200, head.statusCode());
    assertEquals(Integer.toString(cuts[2]), head.headers().firstValue("Upload-Offset").orElseThrow());
    HttpResponse<String> last = tus("PATCH", b.url() + "/v1/tus/" + id, token, Arrays.copyOfRange(file, cuts[2], file.length),
        "Upload-Offset", Integer.toString(cuts[2]), "Content-Type", "application/offset+octet-stream");
    assertEquals(204, last.statusCode(), last.body());
    String jobId = last.headers().firstValue("Ingest-Job-Id").orElseThrow();

    HttpResponse<String> job = http.send(HttpRequest.newBuilder(URI.create(b.url() + "/v1/jobs/" + jobId))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    JsonNode j = JSON.readTree(job.body());
    assertEquals(sha256(file), j.path("file").path("sha256").asText());
    try (InputStream in = store.get("objects/" + j.path("file").path("id").asText())) {
      assertEquals(sha256(file), sha256(in.readAllBytes()), "the object in S3 is the file");
    }
    assertTrue(store.stat(tail).isEmpty(), "the tail went with the upload's end");
    assertTrue(store.listPendingUploads().isEmpty(), "no multipart upload left open");

    String other = key("globex");
    HttpResponse<String> theirs = http.send(HttpRequest.newBuilder(URI.create(b.url() + "/v1/jobs/" + jobId))
        .header("Authorization", "Bearer " + other).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(404, theirs.statusCode(), "another tenant's job on another server");
  }

  @Test
  void theRemoteCliUploadsToS3ThroughAServerAndAWorkerProcessesIt() throws Exception {
    String token = key("acme");
    Jar.Served served = jar.serve();
    jar.start("worker", "--concurrency", "2");
    Path memo = Files.writeString(dir.resolve("memo.txt"), "Servers share PostgreSQL and S3.");
    Jar client = new Jar(dir.resolve("client")).env("INGEST_SERVER", served.url()).env("INGEST_TOKEN", token);
    Jar.Run upload = client.run("upload", memo.toString(), "--wait", "--json");
    assertEquals(0, upload.code(), upload.err());
    JsonNode line = JSON.readTree(upload.out().trim());
    assertEquals("completed", line.path("status").asText());
    Jar.Run result = client.run("result", line.path("jobId").asText());
    assertEquals("Servers share PostgreSQL and S3.\n", result.out());
    await().atMost(Duration.ofSeconds(5)).until(() -> store.stat("objects/" + line.path("fileId").asText()).isPresent());

    // erased for good through the server: the job's row, its results and the file's object in S3
    Jar admin = new Jar(dir.resolve("admin")).env("INGEST_SERVER", served.url()).env("INGEST_TOKEN", key("acme", "admin"));
    Jar.Run deleted = admin.run("files", "delete", line.path("fileId").asText(), "--json");
    assertEquals(0, deleted.code(), deleted.err());
    assertEquals(line.path("jobId").asText(), JSON.readTree(deleted.out()).path("jobs").get(0).asText());
    assertTrue(store.stat("objects/" + line.path("fileId").asText()).isEmpty());
    assertTrue(store.stat("results/" + line.path("jobId").asText() + "/text.txt").isEmpty());
    assertEquals(3, admin.run("status", line.path("jobId").asText()).code());
  }
}
