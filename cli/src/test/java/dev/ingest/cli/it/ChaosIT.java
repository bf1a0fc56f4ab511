package dev.ingest.cli.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.ingest.blob.s3.S3BlobStore;
import dev.ingest.blob.s3.S3Location;
import dev.ingest.core.Clock;
import dev.ingest.core.Job;
import dev.ingest.core.JobStatus;
import dev.ingest.core.RetryPolicy;
import dev.ingest.json.Json;
import dev.ingest.pipeline.Results;
import dev.ingest.queue.JobFilter;
import dev.ingest.queue.sql.Database;
import dev.ingest.queue.sql.SqlJobQueue;
import dev.ingest.testing.S3Servers;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Chaos on the built jar: three worker processes on PostgreSQL and S3Proxy run the {@code auto} pipeline over
 * real files while, at moments a seeded random picks, workers are killed with {@code kill -9} and restarted,
 * PostgreSQL is stopped and started again, and S3 answers 503 to a share of requests. At the end every job
 * has completed (attempts may exceed one), every stored file and result is whole, and no upload is left open.
 * The seed is printed; {@code -Dchaos.seed=N} replays a run, {@code -Dchaos.jobs=N} sizes it (default 2,000).
 */
@Timeout(900)
class ChaosIT {
  private static final String BUCKET = "chaos";
  @TempDir Path dir;
  private EmbeddedPostgres pg;
  private S3Servers.Server s3;
  private WireMockServer flaky;
  private Jar jar;
  private final List<Process> workers = new ArrayList<>();

  /** Answers 503 SlowDown to a share of the requests it would otherwise pass to S3Proxy. */
  static final class RandomSlowDown implements ResponseDefinitionTransformerV2 {
    final Random random;
    final double share;
    final AtomicInteger injected = new AtomicInteger();

    RandomSlowDown(long seed, double share) {
      this.random = new Random(seed);
      this.share = share;
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
      boolean fail;
      synchronized (random) {
        fail = random.nextDouble() < share;
      }
      if (!fail) {
        return event.getResponseDefinition();
      }
      injected.incrementAndGet();
      return aResponse().withStatus(503).withHeader("Content-Type", "application/xml")
          .withBody("<Error><Code>SlowDown</Code><Message>chaos</Message></Error>").build();
    }

    @Override
    public boolean applyGlobally() {
      return true;
    }

    @Override
    public String getName() {
      return "random-slow-down";
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    workers.forEach(Process::destroyForcibly);
    if (jar != null) {
      jar.killAll();
    }
    if (flaky != null) {
      flaky.stop();
    }
    if (s3 != null) {
      s3.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  private EmbeddedPostgres startPg(Path data, int port) throws Exception {
    return EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port)
        .setServerConfig("max_connections", "200").start();
  }

  @Test
  void workersKilledTheDatabaseRestartedAndS3SlowingDownLoseNothingAndFinishEveryJobOnce() throws Exception {
    long seed = Long.getLong("chaos.seed", System.nanoTime());
    int jobs = Integer.getInteger("chaos.jobs", 2000);
    System.out.println("ChaosIT seed " + seed + " (replay with -Dchaos.seed=" + seed + "), " + jobs + " jobs");
    Random random = new Random(seed);

    Path pgData = dir.resolve("pg");
    // why: the database must come back on the same port after each restart, so the port is chosen here; one
    // found free may be taken before PostgreSQL binds it, so another is tried
    int pgPort = 0;
    for (int attempt = 1; pg == null; attempt++) {
      pgPort = S3Servers.freePort();
      try {
        pg = startPg(pgData, pgPort);
      } catch (java.io.IOException e) {
        if (attempt == 3) {
          throw e;
        }
      }
    }
    try (var c = pg.getPostgresDatabase().getConnection(); var st = c.createStatement()) {
      st.execute("CREATE DATABASE chaos");
    }
    String url = "postgresql://postgres:postgres@localhost:" + pgPort + "/chaos";
    s3 = S3Servers.s3proxy(Files.createTempDirectory("chaos-s3"));
    S3Location direct = new S3Location(BUCKET, "ingest/", s3.endpoint(), "us-east-1", true);
    var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(S3Servers.ACCESS_KEY, S3Servers.SECRET_KEY));
    S3BlobStore.client(direct, 4, credentials).createBucket(b -> b.bucket(BUCKET));

    RandomSlowDown slowDown = new RandomSlowDown(seed, 0.03);
    // why: the client signs the Host it talks to; the proxy passes it on so S3Proxy agrees.
    flaky = new WireMockServer(options().dynamicPort().preserveHostHeader(true).extensions(slowDown));
    flaky.start();
    flaky.stubFor(any(anyUrl()).willReturn(aResponse().proxiedFrom(s3.endpoint().toString())));

    Path config = Files.writeString(dir.resolve("ingest.properties"), "retry.base=200ms\nretry.cap=2s\n");
    jar = new Jar(dir.resolve("home"))
        .env("INGEST_CONFIG", config.toString())
        .env("INGEST_DB", url)
        .env("INGEST_STORE", "s3://" + BUCKET + "/ingest/")
        .env("INGEST_S3_ENDPOINT", s3.endpoint().toString())
        .env("INGEST_S3_PATH_STYLE", "true")
        .env("INGEST_S3_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", S3Servers.ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", S3Servers.SECRET_KEY);

    // real files, each with a line of its own to find in its result
    Path docs = Files.createDirectories(dir.resolve("docs"));
    Map<String, String> marker = new HashMap<>();
    for (int i = 0; i < jobs; i++) {
      String line = "Document " + i + " of the chaos run, seed " + seed + ", word " + Long.toHexString(random.nextLong()) + ".";
      Path f = Files.writeString(docs.resolve(String.format("doc-%05d.txt", i)), line + "\n" + "Filler sentence. ".repeat(20 + random.nextInt(200)));
      marker.put(f.toString(), line);
    }
    Jar.Run uploaded = jar.run("upload", docs.toString(), "--json", "--max-attempts", "20", "--no-progress");
    assertEquals(0, uploaded.code(), uploaded.err());
    Map<String, JsonNode> byJob = new HashMap<>();
    for (String l : uploaded.out().lines().toList()) {
      JsonNode n = Json.MAPPER.readTree(l);
      byJob.put(n.get("jobId").asText(), n);
    }
    assertEquals(jobs, byJob.size());

    // workers through the flaky S3 link, with short leases so a killed worker's jobs come back soon
    Jar through = jar.env("INGEST_S3_ENDPOINT", "http://127.0.0.1:" + flaky.port());
    String[] worker = {"worker", "--concurrency", "2", "--lease-ttl", "3s", "--heartbeat", "1s"};
    for (int i = 0; i < 3; i++) {
      workers.add(through.start(worker));
    }

    Database db = Database.open(url, 2);
    SqlJobQueue queue = new SqlJobQueue(db, db.clock(Clock.SYSTEM), RetryPolicy.DEFAULT);
    int kills = 0;
    int restarts = 0;
    try {
      for (int action = 0; action < 8; action++) {
        long pause = 1000 + random.nextInt(2000);
        await().pollDelay(Duration.ofMillis(pause)).atMost(Duration.ofMillis(pause + 1000)).until(() -> true);
        if (random.nextInt(4) == 0) {
          System.out.println("ChaosIT: PostgreSQL stopped");
          db.close();
          pg.close();
          long down = 1000 + random.nextInt(2000);
          await().pollDelay(Duration.ofMillis(down)).atMost(Duration.ofMillis(down + 1000)).until(() -> true);
          pg = startPg(pgData, pgPort);
          db = Database.open(url, 2);
          queue = new SqlJobQueue(db, db.clock(Clock.SYSTEM), RetryPolicy.DEFAULT);
          System.out.println("ChaosIT: PostgreSQL started again");
          restarts++;
        } else {
          int victim = random.nextInt(workers.size());
          workers.get(victim).destroyForcibly(); // kill -9
          workers.get(victim).waitFor();
          workers.set(victim, through.start(worker));
          kills++;
        }
      }
      SqlJobQueue q = queue;
      await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(1))
          .until(() -> q.list(new JobFilter(JobStatus.COMPLETED, null, 100_000)).size() == jobs);

      List<Job> all = queue.list(new JobFilter(null, null, 100_000));
      assertEquals(jobs, all.size());
      assertTrue(all.stream().allMatch(j -> j.status() == JobStatus.COMPLETED), "every job completed");
      System.out.printf("ChaosIT: %d kills, %d database restarts, %d S3 503s, %d jobs ran more than once%n",
          kills, restarts, slowDown.injected.get(), all.stream().filter(j -> j.attempts() > 1).count());

      try (S3BlobStore store = S3BlobStore.open(direct, 8, credentials)) {
        for (Job job : all) {
          JsonNode up = byJob.get(job.id());
          try (InputStream in = store.get(job.file().blobKey())) {
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()));
            assertEquals(up.get("sha256").asText(), sha, "stored file of " + job.id());
          }
          try (InputStream text = Results.text(job, store).orElseThrow()) {
            String extracted = new String(text.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(extracted.contains(marker.get(up.get("path").asText())), "result of " + job.id());
          }
        }
        // why: a worker starts by probing which checksum headers the store takes (an empty multipart upload,
        // created then aborted); one killed between the two, e.g. while its abort waits out a 503, leaves that
        // empty upload behind, as any process killed mid-upload may, for cleanup to remove
        // (DeleteServiceContract proves it does). Nothing else may be left open.
        List<dev.ingest.blob.PendingUpload> left = store.listPendingUploads();
        assertTrue(left.stream().allMatch(u -> u.key().endsWith("health/checksum-probe")), "only probes left open: " + left);
        if (!left.isEmpty()) {
          System.out.println("ChaosIT: " + left.size() + " checksum probe(s) of killed workers left for cleanup");
        }
      }
    } finally {
      db.close();
    }
  }
}
