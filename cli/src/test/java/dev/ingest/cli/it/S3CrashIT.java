package dev.ingest.cli.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.ingest.blob.s3.S3BlobStore;
import dev.ingest.blob.s3.S3Location;
import dev.ingest.testing.S3Servers;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/** The built jar uploading to S3 is killed with kill -9 midway; the same command run again finishes the job. */
class S3CrashIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BUCKET = "crash-test";
  private static final long MIB = 1024 * 1024;
  private static S3Servers.Server server;
  private static S3Client s3;

  @TempDir Path dir;
  private WireMockServer counter;
  private Jar jar;

  @BeforeAll
  static void startServer() throws Exception {
    // why: S3Mock keeps multipart state the way S3 does; S3Proxy's filesystem backend can trip over a part
    // that was half-written when its client died.
    server = S3Servers.s3mock(Files.createTempDirectory("s3crash"), BUCKET);
    s3 =
        S3BlobStore.client(
            new S3Location(BUCKET, "", server.endpoint(), "us-east-1", true),
            4,
            StaticCredentialsProvider.create(AwsBasicCredentials.create(S3Servers.ACCESS_KEY, S3Servers.SECRET_KEY)));
  }

  @AfterAll
  static void stopServer() {
    s3.close();
    server.close();
  }

  @BeforeEach
  void setUp() throws Exception {
    // why: a counting proxy between the jar and the server, to see exactly which parts are sent again.
    counter = new WireMockServer(options().dynamicPort().preserveHostHeader(true));
    counter.start();
    counter.stubFor(any(anyUrl()).willReturn(aResponse().proxiedFrom(server.endpoint().toString())));
    jar =
        new Jar(dir.resolve("home"))
            .env("INGEST_STORE", "s3://" + BUCKET + "/" + dir.getFileName())
            .env("INGEST_S3_ENDPOINT", counter.baseUrl())
            .env("INGEST_S3_PATH_STYLE", "true")
            .env("INGEST_S3_REGION", "us-east-1")
            .env("AWS_ACCESS_KEY_ID", S3Servers.ACCESS_KEY)
            .env("AWS_SECRET_ACCESS_KEY", S3Servers.SECRET_KEY);
  }

  @AfterEach
  void tearDown() {
    jar.killAll();
    counter.stop();
  }

  private Path bigFile(String name, long size, long seed) throws Exception {
    Path file = dir.resolve(name);
    Random random = new Random(seed);
    byte[] block = new byte[(int) MIB];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long written = 0; written < size; written += block.length) {
        random.nextBytes(block);
        out.write(block);
      }
    }
    return file;
  }

  private S3BlobStore store() {
    return new S3BlobStore(s3, new S3Location(BUCKET, dir.getFileName() + "/", server.endpoint(), "us-east-1", true));
  }

  private int partsOnServer() {
    var uploads = store().listPendingUploads();
    if (uploads.isEmpty()) {
      return 0;
    }
    try {
      return store().listParts(uploads.get(0).key(), uploads.get(0).uploadId()).size();
    } catch (dev.ingest.core.NotFoundException e) {
      return 0;
    } catch (dev.ingest.core.UnavailableException e) {
      System.err.println("listParts failed: " + e.getMessage() + " / " + e.getCause());
      return 0;
    }
  }

  /** Parts the server took during the rerun (a refused checksum header does not count as a part sent). */
  private int partUploadsSeen() {
    return (int)
        counter.getAllServeEvents().stream()
            .filter(e -> e.getRequest().getMethod().getName().equals("PUT"))
            .filter(e -> e.getRequest().getUrl().contains("partNumber="))
            .filter(e -> e.getResponse().getStatus() == 200)
            .count();
  }

  private static String sha256(java.io.InputStream in) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (DigestInputStream d = new DigestInputStream(in, sha)) {
      d.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private void killMidway(Path file) throws Exception {
    Process first = jar.start("upload", file.toString(), "--no-progress", "--parallel", "4");
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> partsOnServer() >= 5);
    first.destroyForcibly(); // kill -9
    Jar.await(first, Duration.ofSeconds(10));
    // why: requests the dead process had already handed to the proxy still finish; wait for them.
    int[] last = {-1};
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(700)).until(() -> {
      int now = counter.getAllServeEvents().size();
      boolean settled = now == last[0];
      last[0] = now;
      return settled;
    });
  }

  private JsonNode uploadAgain(Path file) throws Exception {
    Jar.Run again = jar.run("upload", file.toString(), "--no-progress", "--parallel", "4", "--json");
    assertEquals(0, again.code(), again.err());
    return JSON.readTree(again.out().lines().findFirst().orElseThrow());
  }

  private void assertObjectMatches(JsonNode line, Path file) throws Exception {
    String key = dir.getFileName() + "/objects/" + line.get("fileId").asText();
    String expected = sha256(Files.newInputStream(file));
    assertEquals(expected, line.get("sha256").asText());
    assertEquals(expected, sha256(s3.getObject(b -> b.bucket(BUCKET).key(key))));
  }

  @Test
  void aKilledUploadResumesSendingOnlyTheMissingParts() throws Exception {
    Path file = bigFile("big.bin", 200 * MIB, 1);
    int total = 25; // 200 MiB in 8 MiB parts
    killMidway(file);
    int stored = partsOnServer();
    assertTrue(stored >= 5 && stored < total, "killed too late or too early: " + stored + " parts stored");
    counter.resetRequests();

    JsonNode line = uploadAgain(file);
    int resent = partUploadsSeen();
    // why: a part the server stored while its sender died unrecorded was in flight; it may go again.
    int parallel = 4;
    assertTrue(
        resent >= total - stored && resent <= total - stored + parallel,
        "parts sent again: " + resent + ", missing were " + (total - stored) + ", at most " + parallel + " in flight");
    assertObjectMatches(line, file);
    assertEquals(List.of(), store().listPendingUploads());
  }

  @Test
  void aFileChangedAfterTheKillIsUploadedAfresh() throws Exception {
    Path file = bigFile("changing.bin", 120 * MIB, 2);
    killMidway(file);
    try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.APPEND)) {
      out.write("one more line\n".getBytes());
    }
    counter.resetRequests();
    Jar.Run again = jar.run("upload", file.toString(), "--no-progress", "--json");
    assertEquals(0, again.code(), again.err());
    assertTrue(again.err().contains("changed since its interrupted upload; starting over"), again.err());
    assertEquals(16, partUploadsSeen(), "every part is sent afresh");
    assertObjectMatches(JSON.readTree(again.out().lines().findFirst().orElseThrow()), file);
    List<?> left = store().listPendingUploads();
    assertTrue(left.isEmpty(), "the stale upload was not aborted: " + left);
  }
}
