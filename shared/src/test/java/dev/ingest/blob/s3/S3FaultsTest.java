package dev.ingest.blob.s3;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.ingest.core.RetryPolicy;
import dev.ingest.core.SettableClock;
import dev.ingest.core.UnavailableException;
import dev.ingest.files.sql.SqlFileCatalog;
import dev.ingest.queue.sql.Database;
import dev.ingest.queue.sql.SqlJobQueue;
import dev.ingest.testing.Relay;
import dev.ingest.testing.S3Servers;
import dev.ingest.upload.ContentTypeDetector;
import dev.ingest.upload.UploadListener;
import dev.ingest.upload.UploadOutcome;
import dev.ingest.upload.UploadRequest;
import dev.ingest.upload.UploadService;
import dev.ingest.upload.sql.SqlUploadSessions;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** A flaky S3 link: WireMock in front of S3Proxy answers 503, 500 and resets connections on some parts. */
class S3FaultsTest {
  private static final long MIB = 1024 * 1024;
  private static S3Servers.Server server;

  @TempDir Path dir;
  private WireMockServer proxy;
  private Database db;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3Servers.s3proxy(Files.createTempDirectory("s3faults"));
    new S3StoreFixture(server);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void startProxy() {
    // why: the client signs the Host it talks to; the proxy must pass that Host on for S3Proxy to agree.
    proxy = new WireMockServer(options().dynamicPort().preserveHostHeader(true));
    proxy.start();
    proxy.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().proxiedFrom(server.endpoint().toString())));
    db = Database.open("sqlite:" + dir.resolve("ingest.db"), 4);
  }

  @AfterEach
  void stopProxy() {
    proxy.stop();
    db.close();
  }

  private void failOnce(int part, com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder failure) {
    proxy.stubFor(
        put(urlPathMatching(".*"))
            .withQueryParam("partNumber", equalTo(String.valueOf(part)))
            .inScenario("part " + part)
            .whenScenarioStateIs(Scenario.STARTED)
            .willSetStateTo("failed once")
            .atPriority(1)
            .willReturn(failure));
  }

  private S3BlobStore storeBehindProxy() {
    S3Location location =
        new S3Location(S3StoreFixture.BUCKET, "faults/", URI.create(proxy.baseUrl()), "us-east-1", true);
    return S3BlobStore.open(location, 8, S3StoreFixture.credentials());
  }

  private UploadService uploads(S3BlobStore store) {
    SettableClock clock = new SettableClock();
    return new UploadService(
        store, new SqlFileCatalog(db), new SqlUploadSessions(db), new SqlJobQueue(db, clock, RetryPolicy.DEFAULT),
        ContentTypeDetector.UNKNOWN, clock);
  }

  /** A file of {@code mib} MiB of random bytes from {@code seed}. */
  private Path randomFile(String name, int mib, long seed) throws Exception {
    byte[] data = new byte[(int) (mib * MIB)];
    new Random(seed).nextBytes(data);
    return Files.write(dir.resolve(name), data);
  }

  private static String sha256(InputStream in) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (DigestInputStream d = new DigestInputStream(in, sha)) {
      d.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  @Test
  void overPlainHttpAnObjectIsProvedByItsSignedBodyWithoutAContentMd5() throws Exception {
    S3BlobStore store = storeBehindProxy();
    byte[] data = new byte[256 * 1024];
    new Random(5).nextBytes(data);
    store.putNew("objects/signed", data, data.length); // S3Proxy refuses CRC32C: the store falls back to MD5
    store.putNew("objects/signed-2", data, data.length);
    var puts = proxy.findAll(putRequestedFor(urlPathMatching(".*/objects/signed-2")));
    assertEquals(1, puts.size());
    var put = puts.get(0);
    // why: the SDK signs the body's SHA-256 over http:// and the server checks it; an MD5 as well is a
    // second pass over every byte on both sides
    assertFalse(put.containsHeader("Content-MD5"), "no Content-MD5 beside a signed payload");
    String payload = put.getHeader("x-amz-content-sha256");
    assertTrue(payload.startsWith("STREAMING-AWS4-HMAC-SHA256") || payload.matches("[0-9a-f]{64}"), payload);
    try (InputStream in = store.get("objects/signed-2")) {
      assertArrayEquals(data, in.readAllBytes());
    }
  }

  @Test
  void partsThatMeet503ResetsAnd500AreRetriedAndTheObjectIsExact() throws Exception {
    failOnce(2, aResponse().withStatus(503).withBody("<Error><Code>SlowDown</Code><Message>slow down</Message></Error>"));
    failOnce(3, aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
    failOnce(4, aResponse().withStatus(500).withBody("<Error><Code>InternalError</Code></Error>"));
    failOnce(6, aResponse().withFault(Fault.EMPTY_RESPONSE));
    Path file = randomFile("flaky.bin", 33, 7);

    try (S3BlobStore store = storeBehindProxy()) {
      UploadRequest request = new UploadRequest("auto", "default", 0, null, 3, Map.of(), 5 * MIB, 4, false);
      UploadOutcome out = uploads(store).upload(file, request, UploadListener.NONE);
      String expected = sha256(Files.newInputStream(file));
      assertEquals(expected, out.file().sha256());
      assertEquals(expected, sha256(store.get(out.file().blobKey())));
    }
    for (int part : new int[] {2, 3, 4, 6}) {
      assertEquals(
          2,
          proxy.findAll(putRequestedFor(urlPathMatching(".*")).withQueryParam("partNumber", equalTo(String.valueOf(part)))).size(),
          "part " + part + " should have been sent exactly twice");
    }
  }

  @Test
  void createAndCompleteMeeting503AndResetsAreRetried() throws Exception {
    proxy.stubFor(
        com.github.tomakehurst.wiremock.client.WireMock.post(urlPathMatching(".*"))
            .withQueryParam("uploads", com.github.tomakehurst.wiremock.client.WireMock.matching(".*"))
            .inScenario("create").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("failed once").atPriority(1)
            .willReturn(aResponse().withStatus(503).withBody("<Error><Code>SlowDown</Code><Message>slow down</Message></Error>")));
    proxy.stubFor(
        com.github.tomakehurst.wiremock.client.WireMock.post(urlPathMatching(".*"))
            .withQueryParam("uploadId", com.github.tomakehurst.wiremock.client.WireMock.matching(".+"))
            .inScenario("complete").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("failed once").atPriority(1)
            .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    Path file = randomFile("create.bin", 11, 9);
    try (S3BlobStore store = storeBehindProxy()) {
      UploadRequest request = new UploadRequest("auto", "default", 0, null, 3, Map.of(), 5 * MIB, 2, false);
      UploadOutcome out = uploads(store).upload(file, request, UploadListener.NONE);
      assertEquals(sha256(Files.newInputStream(file)), sha256(store.get(out.file().blobKey())));
    }
    assertEquals(2, proxy.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlPathMatching(".*"))
        .withQueryParam("uploadId", com.github.tomakehurst.wiremock.client.WireMock.matching(".+"))).size(), "Complete sent twice");
    // the store's checksum probe and the upload's own Create, one of them sent again after its 503
    assertEquals(3, proxy.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlPathMatching(".*"))
        .withQueryParam("uploads", com.github.tomakehurst.wiremock.client.WireMock.matching(".*"))).size(), "a Create sent again");
  }

  @Test
  void wrongCredentialsFailAtOnceWithAClearError() throws Exception {
    Path file = Files.write(dir.resolve("small.txt"), "hello".getBytes());
    S3Location location = new S3Location(S3StoreFixture.BUCKET, "x/", server.endpoint(), "us-east-1", true);
    try (S3BlobStore store =
        S3BlobStore.open(location, 2, StaticCredentialsProvider.create(AwsBasicCredentials.create("nobody", "wrong")))) {
      UnavailableException e =
          assertThrows(UnavailableException.class, () -> uploads(store).upload(file, UploadRequest.defaults(), UploadListener.NONE));
      assertTrue(e.getMessage().contains("denied"), e.getMessage());
      assertTrue(!e.retryable());
    }
  }

  @Test
  void aMissingBucketIsAClearError() throws Exception {
    Path file = Files.write(dir.resolve("small.txt"), "hello".getBytes());
    S3Location location = new S3Location("no-such-bucket", "", server.endpoint(), "us-east-1", true);
    try (S3BlobStore store = S3BlobStore.open(location, 2, S3StoreFixture.credentials())) {
      UnavailableException e =
          assertThrows(UnavailableException.class, () -> uploads(store).upload(file, UploadRequest.defaults(), UploadListener.NONE));
      assertTrue(e.getMessage().contains("no-such-bucket"), e.getMessage());
    }
  }

  @Test
  void missingCredentialsAreOneShortLineThatSaysWhereTheyComeFrom() throws Exception {
    Path file = Files.write(dir.resolve("small.txt"), "hello".getBytes());
    S3Location location = new S3Location(S3StoreFixture.BUCKET, "x/", server.endpoint(), "us-east-1", true);
    // the SDK's own chain, with nothing to find: its message lists every provider on one very long line
    var nothing =
        software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain.builder()
            .credentialsProviders(
                software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider.create("ingest-test-no-such-profile"))
            .build();
    try (S3BlobStore store = S3BlobStore.open(location, 2, nothing)) {
      UnavailableException e =
          assertThrows(UnavailableException.class, () -> uploads(store).upload(file, UploadRequest.defaults(), UploadListener.NONE));
      assertTrue(e.getMessage().contains("no AWS credentials"), e.getMessage());
      assertTrue(e.getMessage().contains("AWS_ACCESS_KEY_ID"), e.getMessage());
      assertTrue(e.getMessage().length() < 240, e.getMessage());
      assertTrue(!e.retryable());
    }
  }

  /**
   * Loses the answer to the first CompleteMultipartUpload that succeeded: the server completed the object, the
   * client sees a 500, and its retry meets an upload that no longer exists.
   */
  private static final class LoseFirstCompleteAnswer implements software.amazon.awssdk.core.interceptor.ExecutionInterceptor {
    final java.util.concurrent.atomic.AtomicInteger lost = new java.util.concurrent.atomic.AtomicInteger();

    private static boolean isComplete(software.amazon.awssdk.http.SdkHttpRequest r) {
      return r.method() == software.amazon.awssdk.http.SdkHttpMethod.POST && r.rawQueryParameters().containsKey("uploadId");
    }

    @Override
    public software.amazon.awssdk.http.SdkHttpResponse modifyHttpResponse(
        software.amazon.awssdk.core.interceptor.Context.ModifyHttpResponse context,
        software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
      if (isComplete(context.httpRequest()) && context.httpResponse().isSuccessful() && lost.compareAndSet(0, 1)) {
        return context.httpResponse().toBuilder().statusCode(500).build();
      }
      return context.httpResponse();
    }

    @Override
    public java.util.Optional<InputStream> modifyHttpResponseContent(
        software.amazon.awssdk.core.interceptor.Context.ModifyHttpResponse context,
        software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
      if (isComplete(context.httpRequest()) && context.httpResponse().statusCode() == 500) {
        return java.util.Optional.of(new java.io.ByteArrayInputStream(
            "<Error><Code>InternalError</Code><Message>answer lost</Message></Error>".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      }
      return context.responseBody();
    }
  }

  @Test
  void aCompleteWhoseSuccessIsLostTo500FinishesTheUploadAllTheSame() throws Exception {
    LoseFirstCompleteAnswer interceptor = new LoseFirstCompleteAnswer();
    S3Location location = new S3Location(S3StoreFixture.BUCKET, "lost-complete/", server.endpoint(), "us-east-1", true);
    var client =
        software.amazon.awssdk.services.s3.S3Client.builder()
            .region(software.amazon.awssdk.regions.Region.US_EAST_1)
            .forcePathStyle(true)
            .endpointOverride(server.endpoint())
            .credentialsProvider(S3StoreFixture.credentials())
            .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED)
            .overrideConfiguration(o -> o.addExecutionInterceptor(interceptor).retryStrategy(b -> b.maxAttempts(S3BlobStore.MAX_ATTEMPTS)))
            .build();
    Path file = randomFile("lost.bin", 12, 11);
    try (S3BlobStore store = new S3BlobStore(client, location)) {
      UploadRequest request = new UploadRequest("auto", "default", 0, null, 3, Map.of(), 5 * MIB, 2, false);
      UploadOutcome out = uploads(store).upload(file, request, UploadListener.NONE);
      assertEquals(1, interceptor.lost.get(), "the first Complete's answer was lost");
      String expected = sha256(Files.newInputStream(file));
      assertEquals(expected, out.file().sha256());
      assertEquals(expected, sha256(store.get(out.file().blobKey())));
      assertTrue(store.listPendingUploads().isEmpty(), "no upload left open");
    }
  }

  @Test
  void aPartRefusedOnEveryAttemptFailsTheUploadAsUnavailableAndTheNextRunResumesIt() throws Exception {
    proxy.stubFor(
        put(urlPathMatching(".*")).withQueryParam("partNumber", equalTo("2")).atPriority(1).withName("part 2 down")
            .willReturn(aResponse().withStatus(503).withBody("<Error><Code>SlowDown</Code><Message>slow down</Message></Error>")));
    Path file = randomFile("refused.bin", 16, 13);
    UploadRequest request = new UploadRequest("auto", "default", 0, null, 3, Map.of(), 5 * MIB, 1, false);
    S3Location location = new S3Location(S3StoreFixture.BUCKET, "refused/", URI.create(proxy.baseUrl()), "us-east-1", true);
    // why: ingest's client and its number of attempts, without the seconds of backoff between them
    var client = S3BlobStore.client(location, 8, S3StoreFixture.credentials(), retries -> retries
        .backoffStrategy(software.amazon.awssdk.retries.api.BackoffStrategy.retryImmediately())
        .throttlingBackoffStrategy(software.amazon.awssdk.retries.api.BackoffStrategy.retryImmediately()));
    try (S3BlobStore store = new S3BlobStore(client, location)) {
      UploadService uploads = uploads(store);
      UnavailableException e =
          assertThrows(UnavailableException.class, () -> uploads.upload(file, request, UploadListener.NONE));
      assertTrue(e.retryable(), "a store that keeps answering 503 may answer later");
      assertTrue(e.getMessage().contains("503") || e.getMessage().toLowerCase().contains("slow"), e.getMessage());
      assertEquals(S3BlobStore.MAX_ATTEMPTS, partRequests(2), "every attempt the client allows, then no more");
      assertEquals(0, (int) db.withHandle(h -> h.createQuery("SELECT count(*) FROM files").mapTo(Integer.class).one()), "nothing registered");
      assertEquals(0, (int) db.withHandle(h -> h.createQuery("SELECT count(*) FROM jobs").mapTo(Integer.class).one()), "nothing enqueued");

      // the store is back, though its first ListParts answers 503: the next run sends only what is missing
      proxy.removeStub(proxy.getStubMappings().stream().filter(m -> "part 2 down".equals(m.getName())).findFirst().orElseThrow());
      proxy.stubFor(
          com.github.tomakehurst.wiremock.client.WireMock.get(urlPathMatching(".*"))
              .withQueryParam("uploadId", com.github.tomakehurst.wiremock.client.WireMock.matching(".+"))
              .inScenario("list").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("failed once").atPriority(1)
              .willReturn(aResponse().withStatus(503).withBody("<Error><Code>SlowDown</Code></Error>")));
      proxy.resetRequests();
      UploadOutcome out = uploads.upload(file, request, UploadListener.NONE);
      assertEquals(sha256(Files.newInputStream(file)), sha256(store.get(out.file().blobKey())));
      assertEquals(1, partRequests(1) + partRequests(2) + partRequests(3) + partRequests(4), "only part 2 was missing");
      assertEquals(1, partRequests(2));
      assertEquals(2, proxy.findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(urlPathMatching(".*"))
          .withQueryParam("uploadId", com.github.tomakehurst.wiremock.client.WireMock.matching(".+"))).size(), "ListParts sent again");
      assertTrue(store.listPendingUploads().isEmpty(), "no upload left open");
    }
  }

  private int partRequests(int part) {
    return proxy.findAll(putRequestedFor(urlPathMatching(".*")).withQueryParam("partNumber", equalTo(String.valueOf(part)))).size();
  }

  @Test
  void anObjectWhoseReadIsCutOffIsReadOnFromWhereItBrokeAndATooBrokenOneFailsAsAnIoError() throws Exception {
    byte[] data = new byte[(int) (12 * MIB)];
    new Random(17).nextBytes(data);
    try (Relay relay = new Relay(server.endpoint().getPort());
        S3BlobStore store = S3BlobStore.open(
            new S3Location(S3StoreFixture.BUCKET, "cut/", URI.create(relay.url()), "us-east-1", true), 4,
            S3StoreFixture.credentials())) {
      store.put("whole.bin", data, data.length);
      String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));

      relay.resetAnswersAfter(3 * MIB, 2); // two connections reset, each after 3 MiB of answer
      assertEquals(expected, sha256(store.get("whole.bin")));
      assertEquals(2, relay.resets(), "the read was cut twice, and went on each time");

      relay.resetAnswersAfter(MIB / 2, 1000); // every connection, for good
      java.io.IOException e = assertThrows(java.io.IOException.class, () -> sha256(store.get("whole.bin")));
      assertEquals(S3BlobStore.MAX_ATTEMPTS + 1, relay.resets() - 2, "the first read and each read again were cut: " + e);
    }
  }
}
