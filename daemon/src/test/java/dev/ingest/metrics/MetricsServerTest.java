package dev.ingest.metrics;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingest.blob.local.LocalBlobStore;
import dev.ingest.core.Clock;
import dev.ingest.core.Ids;
import dev.ingest.core.JobStatus;
import dev.ingest.core.NewJob;
import dev.ingest.core.RetryPolicy;
import dev.ingest.pipeline.Pipelines;
import dev.ingest.queue.JobFilter;
import dev.ingest.queue.sql.Database;
import dev.ingest.queue.sql.SqlJobQueue;
import dev.ingest.worker.PipelineRunner;
import dev.ingest.worker.Worker;
import dev.ingest.worker.WorkerOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsServerTest {
  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(MetricsServer server, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void metricsCountJobsPerPipelineAndHealthFollowsTheDatabase() throws Exception {
    Database db = Database.open("sqlite:" + dir.resolve("ingest.db"), 4);
    SqlJobQueue queue = new SqlJobQueue(db, Clock.SYSTEM, RetryPolicy.DEFAULT);
    LocalBlobStore store = new LocalBlobStore(dir.resolve("blobs"));
    for (int i = 0; i < 3; i++) {
      queue.enqueue(NewJob.builder("noop").build());
    }
    queue.enqueue(NewJob.builder("boom").maxAttempts(1).build());
    queue.enqueue(NewJob.builder("noop").queue("later").build());
    WorkerMetrics metrics = new WorkerMetrics();
    Worker worker =
        new Worker(
                Ids.worker(),
                queue,
                new PipelineRunner(new Pipelines(Map.of("pipeline.boom.steps", "explode")), queue, store, Clock.SYSTEM),
                WorkerOptions.defaults().withConcurrency(2).withQueues(java.util.List.of("default")),
                Clock.SYSTEM)
            .observedBy(metrics);
    try (MetricsServer server = MetricsServer.start(0, metrics, queue, store)) {
      worker.start("test", 1);
      await().atMost(Duration.ofSeconds(20))
          .until(() -> queue.list(new JobFilter(JobStatus.COMPLETED, null, 10)).size() == 3
              && queue.list(new JobFilter(JobStatus.FAILED, null, 10)).size() == 1);
      worker.shutdown(Duration.ofSeconds(5));
      metrics.refreshQueue(queue);

      HttpResponse<String> scrape = get(server, "/metrics");
      assertEquals(200, scrape.statusCode());
      String body = scrape.body();
      assertTrue(body.contains("ingest_jobs_started_total{pipeline=\"noop\"} 3.0"), body);
      assertTrue(body.contains("ingest_jobs_completed_total{pipeline=\"noop\"} 3.0"), body);
      assertTrue(body.contains("ingest_jobs_failed_total{final=\"true\",pipeline=\"boom\"} 1.0"), body);
      assertTrue(body.contains("ingest_job_duration_seconds_bucket"), body);
      assertTrue(body.contains("ingest_queue_depth{queue=\"later\",status=\"queued\"} 1.0"), body);
      assertTrue(body.contains("ingest_queue_oldest_due_age_seconds{queue=\"later\"}"), body);

      assertEquals(200, get(server, "/healthz").statusCode());
      db.close();
      HttpResponse<String> sick = get(server, "/healthz");
      assertEquals(503, sick.statusCode());
      assertTrue(sick.body().startsWith("database:"), sick.body());
    }
  }
}
