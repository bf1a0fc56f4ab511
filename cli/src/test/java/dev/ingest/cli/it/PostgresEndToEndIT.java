package dev.ingest.cli.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingest.core.Clock;
import dev.ingest.core.Job;
import dev.ingest.core.JobError;
import dev.ingest.core.JobStatus;
import dev.ingest.core.NewJob;
import dev.ingest.core.RetryPolicy;
import dev.ingest.queue.JobFilter;
import dev.ingest.queue.sql.Database;
import dev.ingest.queue.sql.SqlJobQueue;
import dev.ingest.testing.EmbeddedPg;
import dev.ingest.testing.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Worker processes of the built jar on many "hosts" sharing one real PostgreSQL and one store. */
class PostgresEndToEndIT {
  @TempDir Path dir;
  private Jar jar;
  private String url;
  private Database db;
  private SqlJobQueue queue;

  @BeforeEach
  void setUp() throws Exception {
    url = EmbeddedPg.freshDatabase();
    jar = new Jar(dir.resolve("home")).env("INGEST_DB", url).env("INGEST_STORE", "file:" + dir.resolve("blobs"));
    db = Database.open(url, 4);
    queue = new SqlJobQueue(db, db.clock(Clock.SYSTEM), RetryPolicy.DEFAULT);
  }

  @AfterEach
  void tearDown() {
    jar.killAll();
    db.close();
  }

  private void enqueue(int n, String pipeline) {
    List<NewJob> jobs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      jobs.add(NewJob.builder(pipeline).maxAttempts(10).build());
      if (jobs.size() == 1000) {
        queue.enqueueAll(jobs);
        jobs.clear();
      }
    }
    queue.enqueueAll(jobs);
  }

  private List<Job> withStatus(JobStatus status) {
    return queue.list(new JobFilter(status, null, 100_000));
  }

  @Test
  void theCliWorksAgainstPostgresAsAgainstSqlite() throws Exception {
    Path pdf = TestFiles.pdf(dir.resolve("shared.pdf"), "Many hosts, one queue.");
    Jar.Run r = jar.run("upload", pdf.toString(), "--wait");
    assertEquals(0, r.code(), r.err());
    String id = r.out().substring(0, r.out().indexOf(' '));
    assertTrue(jar.run("result", id).out().contains("Many hosts, one queue."));
    assertEquals(0, jar.run("queue", "stats").code());
  }

  @Test
  void fourWorkerProcessesComplete20000JobsExactlyOnce() throws Exception {
    enqueue(20_000, "noop");
    List<Process> workers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      workers.add(jar.start("worker", "--drain", "--concurrency", "4", "--prefetch", "32"));
    }
    for (Process w : workers) {
      assertEquals(0, Jar.await(w, Duration.ofMinutes(4)), jar.err(w));
      assertFalse(jar.err(w).contains("ERROR"), jar.err(w));
    }
    List<Job> done = withStatus(JobStatus.COMPLETED);
    assertEquals(20_000, done.size());
    assertTrue(done.stream().allMatch(j -> j.attempts() == 1), "a job ran twice");
    assertTrue(withStatus(JobStatus.RUNNING).isEmpty());
  }

  @Test
  void workersKilledAtRandomMomentsLoseNoJobAndCommitNoneTwice() throws Exception {
    Path config =
        Files.writeString(
            dir.resolve("ingest.properties"),
            "pipeline.work.steps=delay\npipeline.work.delay.duration=40ms\nretry.base=100ms\nretry.cap=1s\n");
    jar.env("INGEST_CONFIG", config.toString());
    enqueue(2000, "work");
    String[] args = {"worker", "--concurrency", "4", "--lease-ttl", "2s", "--heartbeat", "500ms"};
    List<Process> workers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      workers.add(jar.start(args));
    }
    Random random = new Random(42);
    for (int round = 0; round < 6; round++) {
      await().pollDelay(Duration.ofMillis(700 + random.nextInt(800))).until(() -> true);
      int victim = random.nextInt(workers.size());
      workers.get(victim).destroyForcibly(); // kill -9
      workers.set(victim, jar.start(args));
    }
    await().atMost(Duration.ofMinutes(3)).until(() -> withStatus(JobStatus.COMPLETED).size() == 2000);
    assertTrue(withStatus(JobStatus.RUNNING).isEmpty(), "a job stayed running");
    assertTrue(withStatus(JobStatus.FAILED).isEmpty());
    List<Job> reclaimed = withStatus(JobStatus.COMPLETED).stream().filter(j -> j.attempts() > 1).toList();
    assertFalse(reclaimed.isEmpty(), "the kills should have interrupted some jobs");
    for (Job j : reclaimed) {
      for (JobError e : queue.errors(j.id())) {
        assertEquals("lease_expired", e.type(), "only expired leases may cost an attempt");
      }
    }
  }

  @Test
  void aWorkerWithASkewedClockNeitherStealsLiveLeasesNorLosesItsOwn() throws Exception {
    Path config =
        Files.writeString(dir.resolve("ingest.properties"), "pipeline.slow.steps=delay\npipeline.slow.delay.duration=6s\n");
    jar.env("INGEST_CONFIG", config.toString());
    String first = queue.enqueue(NewJob.builder("slow").build()).job().id();
    // why: a lease far shorter than the skew, yet long enough that a stalled machine does not lose it for real
    String[] late = {"worker", "--concurrency", "1", "--lease-ttl", "30s", "--heartbeat", "500ms"};
    // a host whose clock is 10 minutes behind takes the job ...
    jar.env("JAVA_TOOL_OPTIONS", "-Dingest.test.clock-skew=-10m");
    Process behind = jar.start(late);
    await().atMost(Duration.ofSeconds(30)).until(() -> queue.get(first).status() == JobStatus.RUNNING);
    // ... and a host 10 minutes ahead joins: by its own clock the first lease expired long ago.
    jar.env("JAVA_TOOL_OPTIONS", "-Dingest.test.clock-skew=10m");
    Process ahead = jar.start(late);
    await().atMost(Duration.ofSeconds(40)).until(() -> queue.get(first).status() == JobStatus.COMPLETED);
    Job done = queue.get(first);
    assertEquals(1, done.attempts(), "the lease was stolen or lost");
    assertTrue(queue.errors(first).isEmpty());
    behind.destroy();
    ahead.destroy();
    assertEquals(0, Jar.await(behind, Duration.ofSeconds(30)));
    assertEquals(0, Jar.await(ahead, Duration.ofSeconds(30)));
  }
}
