package dev.ingest.cli.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ingest.core.Clock;
import dev.ingest.core.Job;
import dev.ingest.core.JobStatus;
import dev.ingest.core.NewJob;
import dev.ingest.core.RetryPolicy;
import dev.ingest.queue.JobFilter;
import dev.ingest.queue.sql.Database;
import dev.ingest.queue.sql.SqlJobQueue;
import dev.ingest.testing.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built jar, run as separate processes on the embedded defaults (SQLite + local folder). */
class EndToEndIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private Path home;
  private Jar jar;

  @BeforeEach
  void setUp() throws Exception {
    home = dir.resolve("home");
    jar = new Jar(home);
  }

  @AfterEach
  void tearDown() {
    jar.killAll();
  }

  private <T> T withQueue(java.util.function.Function<SqlJobQueue, T> body) {
    try (Database db = Database.open("sqlite:" + home.resolve("ingest.db"), 2)) {
      return body.apply(new SqlJobQueue(db, Clock.SYSTEM, RetryPolicy.DEFAULT));
    }
  }

  private Job job(String id) {
    return withQueue(q -> q.get(id));
  }

  @Test
  void uploadedPdfAndHtmlAreProcessedByAWorkerProcess() throws Exception {
    Path pdf = TestFiles.pdf(dir.resolve("annual.pdf"), "Revenue grew in every region.", "The board approved the plan.");
    Path html = TestFiles.html(dir.resolve("page.html"), "Release notes", "Version two ships faster uploads.");
    Jar.Run upload = jar.run("upload", pdf.toString(), html.toString(), "--json");
    assertEquals(0, upload.code(), upload.err());
    List<String> ids = new ArrayList<>();
    for (String line : upload.out().lines().toList()) {
      ids.add(JSON.readTree(line).get("jobId").asText());
    }
    assertEquals(2, ids.size());

    Process worker = jar.start("worker", "--concurrency", "2");
    await().atMost(Duration.ofSeconds(60))
        .until(() -> ids.stream().allMatch(id -> job(id).status() == JobStatus.COMPLETED));

    Jar.Run status = jar.run("status", ids.get(0), ids.get(1), "--json");
    assertEquals(0, status.code(), status.err());
    for (String line : status.out().lines().toList()) {
      JsonNode node = JSON.readTree(line);
      assertEquals("completed", node.get("status").asText());
      assertEquals(1, node.get("attempts").asInt());
    }
    Jar.Run pdfText = jar.run("result", ids.get(0));
    assertEquals(0, pdfText.code(), pdfText.err());
    assertTrue(pdfText.out().contains("Revenue grew in every region."), pdfText.out());
    assertTrue(pdfText.out().contains("The board approved the plan."));
    Jar.Run htmlText = jar.run("result", ids.get(1));
    assertTrue(htmlText.out().contains("Version two ships faster uploads."), htmlText.out());
    assertFalse(htmlText.out().contains("SCRIPT-NOISE"));

    worker.destroy(); // SIGTERM
    assertEquals(0, Jar.await(worker, Duration.ofSeconds(30)), jar.err(worker));
    assertTrue(jar.err(worker).contains("stopped"), jar.err(worker));
  }

  @Test
  void jsonLogsAreOneObjectPerLineWithJobAndWorkerIds() throws Exception {
    Path txt = Files.writeString(dir.resolve("log-me.txt"), "logged");
    Jar.Run upload = jar.run("upload", txt.toString(), "--json");
    String id = JSON.readTree(upload.out().lines().findFirst().orElseThrow()).get("jobId").asText();
    Jar.Run worker = jar.run("worker", "--drain", "--log-format", "json", "--verbose");
    assertEquals(0, worker.code(), worker.err());
    boolean sawJob = false;
    for (String line : worker.err().lines().toList()) {
      JsonNode node = JSON.readTree(line); // every line parses
      assertTrue(node.has("level") && node.has("formattedMessage"), line);
      JsonNode mdc = node.get("mdc");
      if (mdc != null && id.equals(mdc.path("jobId").asText())) {
        sawJob = true;
        assertTrue(mdc.path("workerId").asText().startsWith("wrk_"), line);
      }
    }
    assertTrue(sawJob, "no log line named the job: " + worker.err());
  }

  @Test
  void uploadWaitOnTheDefaultsNeedsNothingElseRunning() throws Exception {
    Path pdf = TestFiles.pdf(dir.resolve("memo.pdf"), "Lunch is at noon on Friday.");
    Jar.Run r = jar.run("upload", pdf.toString(), "--wait");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("completed"), r.out());
    String id = r.out().substring(0, r.out().indexOf(' '));
    assertTrue(jar.run("result", id).out().contains("Lunch is at noon on Friday."));
  }

  @Test
  void aJobWhoseWorkerIsKilledIsFinishedByAnotherAfterTheLeaseExpires() throws Exception {
    Path config =
        Files.writeString(
            dir.resolve("ingest.properties"),
            "pipeline.slow.steps=delay\npipeline.slow.delay.duration=4s\nretry.base=200ms\n");
    jar.env("INGEST_CONFIG", config.toString());
    String id = withQueue(q -> q.enqueue(NewJob.builder("slow").build()).job().id());

    Process doomed = jar.start("worker", "--lease-ttl", "2s", "--heartbeat", "500ms");
    await().atMost(Duration.ofSeconds(30)).until(() -> job(id).progress().percent() > 0);
    doomed.destroyForcibly(); // SIGKILL: no chance to hand the job back
    Jar.await(doomed, Duration.ofSeconds(10));
    assertEquals(JobStatus.RUNNING, job(id).status(), "the dead worker's lease is still held");

    // why: only the dead worker's lease must run out; the rescuer's own is long, so a stalled machine cannot cost
    // it the job too (attempts 3)
    Process rescuer = jar.start("worker", "--lease-ttl", "60s", "--heartbeat", "500ms");
    await().atMost(Duration.ofSeconds(40)).until(() -> job(id).status() == JobStatus.COMPLETED);
    Job done = job(id);
    assertEquals(2, done.attempts());
    assertEquals("lease_expired", withQueue(q -> q.errors(id)).get(0).type());
    rescuer.destroy();
    assertEquals(0, Jar.await(rescuer, Duration.ofSeconds(30)));
  }

  @Test
  void threeWorkerProcessesOnOneDatabaseCompleteEveryJobExactlyOnce() throws Exception {
    int total = 2000;
    withQueue(
        q -> {
          List<NewJob> jobs = new ArrayList<>();
          for (int i = 0; i < total; i++) {
            jobs.add(NewJob.builder("noop").build());
          }
          return q.enqueueAll(jobs);
        });
    List<Process> workers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      workers.add(jar.start("worker", "--drain", "--concurrency", "4"));
    }
    for (Process w : workers) {
      assertEquals(0, Jar.await(w, Duration.ofMinutes(3)), jar.err(w));
      assertFalse(jar.err(w).contains("locked"), jar.err(w));
      assertFalse(jar.err(w).contains("ERROR"), jar.err(w));
    }
    List<Job> completed = withQueue(q -> q.list(new JobFilter(JobStatus.COMPLETED, null, total + 10)));
    assertEquals(total, completed.size());
    assertTrue(completed.stream().allMatch(j -> j.attempts() == 1), "a job was claimed more than once");
    assertEquals(0L, (long) withQueue(q -> q.countDue(List.of())));
    assertTrue(withQueue(q -> q.list(new JobFilter(JobStatus.RUNNING, null, 10))).isEmpty(), "a job stayed running");
  }

  /** Enqueues one job of a pipeline that only waits {@code duration}, configured for the jar's processes. */
  private String delayJob(String pipeline, String duration) throws Exception {
    Path config =
        Files.writeString(
            dir.resolve("ingest.properties"),
            "pipeline." + pipeline + ".steps=delay\npipeline." + pipeline + ".delay.duration=" + duration + "\n");
    jar.env("INGEST_CONFIG", config.toString());
    return withQueue(q -> q.enqueue(NewJob.builder(pipeline).build()).job().id());
  }

  @Test
  void sigtermDuringAShortJobLetsItFinishWithinTheGraceAndExits0() throws Exception {
    String id = delayJob("short", "3s");
    Process worker = jar.start("worker", "--shutdown-grace", "30s");
    await().atMost(Duration.ofSeconds(30)).until(() -> job(id).status() == JobStatus.RUNNING);
    worker.destroy(); // SIGTERM
    assertEquals(0, Jar.await(worker, Duration.ofSeconds(30)), jar.err(worker));
    Job done = job(id);
    assertEquals(JobStatus.COMPLETED, done.status());
    assertEquals(1, done.attempts());
    assertTrue(withQueue(q -> q.stats().liveWorkers()).isEmpty(), "the worker unregistered");
  }

  private static void interrupt(Process p) throws Exception {
    // why: what Ctrl-C sends; Process.destroy() only sends SIGTERM.
    assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor());
  }

  @Test
  void ctrlCStopsAWorkerGracefullyAndAFollowAtOnceBothExiting130() throws Exception {
    String id = delayJob("short", "3s");
    Process follow = jar.start("status", id, "--follow");
    Process worker = jar.start("worker", "--shutdown-grace", "30s");
    await().atMost(Duration.ofSeconds(30)).until(() -> job(id).status() == JobStatus.RUNNING);

    interrupt(follow);
    assertEquals(130, Jar.await(follow, Duration.ofSeconds(30)), jar.err(follow));
    assertTrue(!jar.err(follow).contains("\tat "), jar.err(follow));

    interrupt(worker);
    assertEquals(130, Jar.await(worker, Duration.ofSeconds(30)), jar.err(worker));
    Job done = job(id);
    assertEquals(JobStatus.COMPLETED, done.status(), "the running job was let finish within the grace");
    assertEquals(1, done.attempts());
  }

  @Test
  void sigtermDuringALongJobHandsItBackAtOnceAndExits0() throws Exception {
    String id = delayJob("long", "60s");
    Process worker = jar.start("worker", "--shutdown-grace", "1s");
    await().atMost(Duration.ofSeconds(30)).until(() -> job(id).status() == JobStatus.RUNNING);
    worker.destroy(); // SIGTERM
    assertEquals(0, Jar.await(worker, Duration.ofSeconds(30)), jar.err(worker));
    Job back = job(id);
    assertEquals(JobStatus.QUEUED, back.status());
    assertEquals(0, back.attempts());
  }

  @Test
  void aSecondSigtermCutsTheGraceShortAndHandsTheRunningJobBack() throws Exception {
    String id = delayJob("long", "60s");
    Process worker = jar.start("worker", "--shutdown-grace", "60s");
    await().atMost(Duration.ofSeconds(30)).until(() -> job(id).status() == JobStatus.RUNNING);
    worker.destroy(); // SIGTERM: the job may finish within a minute's grace
    await().atMost(Duration.ofSeconds(10)).until(() -> jar.err(worker).contains("waiting up to"));
    assertTrue(worker.isAlive(), "the first signal waits for the running job");
    worker.destroy(); // a second SIGTERM: no more waiting
    assertEquals(0, Jar.await(worker, Duration.ofSeconds(20)), jar.err(worker));
    Job back = job(id);
    assertEquals(JobStatus.QUEUED, back.status(), "handed back, not left running");
    assertEquals(0, back.attempts(), "a hand-back does not spend an attempt");
  }

  @Test
  void aWorkerServesPrometheusMetricsAndHealthOnItsPort() throws Exception {
    Path txt = Files.writeString(dir.resolve("measured.txt"), "twelve bytes");
    String id = JSON.readTree(jar.run("upload", txt.toString(), "--json").out().lines().findFirst().orElseThrow())
        .get("jobId").asText();
    // why: port 0, not a port found free and released, which another process may take meanwhile
    Process worker = jar.start("worker", "--metrics-port", "0");
    int port = Integer.parseInt(jar.awaitSaid(worker, "metrics on http://localhost:(\\d+)/metrics"));
    await().atMost(Duration.ofSeconds(60)).until(() -> job(id).status() == JobStatus.COMPLETED);

    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    java.net.http.HttpResponse<String> health = http.send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + "/healthz")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, health.statusCode(), health.body());
    String metrics = http.send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + "/metrics")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(metrics.contains("ingest_jobs_completed_total{pipeline=\"auto\"} 1.0"), metrics);
    assertTrue(metrics.contains("ingest_job_duration_seconds_bucket{"), metrics);
    assertTrue(metrics.contains("ingest_bytes_processed_bytes_total 12.0"), metrics);
    assertTrue(metrics.contains("ingest_queue_depth{"), metrics);

    worker.destroy();
    assertEquals(0, Jar.await(worker, Duration.ofSeconds(30)), jar.err(worker));
  }
}
