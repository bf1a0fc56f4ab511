package dev.ingest.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ingest.blob.BlobStore;
import dev.ingest.queue.JobQueue;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The worker's HTTP endpoint: {@code /metrics} in Prometheus text format, and {@code /healthz}, 200 only
 * when the database and the blob store both answer.
 */
public final class MetricsServer implements AutoCloseable {
  static final String PROBE_KEY = "health/probe";

  private final HttpServer server;
  private final ScheduledExecutorService refresher;

  private MetricsServer(HttpServer server, ScheduledExecutorService refresher) {
    this.server = server;
    this.refresher = refresher;
  }

  public static MetricsServer start(int port, WorkerMetrics metrics, JobQueue queue, BlobStore store) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 16);
    server.createContext("/metrics", exchange -> respond(exchange, 200, "text/plain; version=0.0.4", metrics.scrape()));
    server.createContext(
        "/healthz",
        exchange -> {
          String problem = problem(queue, store);
          respond(exchange, problem == null ? 200 : 503, "text/plain", problem == null ? "ok\n" : problem + "\n");
        });
    server.setExecutor(Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "ingest-metrics");
      t.setDaemon(true);
      return t;
    }));
    server.start();
    ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ingest-metrics-refresh");
      t.setDaemon(true);
      return t;
    });
    metrics.refreshQueue(queue);
    refresher.scheduleWithFixedDelay(() -> metrics.refreshQueue(queue), 15, 15, TimeUnit.SECONDS);
    return new MetricsServer(server, refresher);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** What is wrong with the database or the store ("database: …", "store: …"), or null when both answer. */
  public static String problem(JobQueue queue, BlobStore store) {
    try {
      queue.countDue(List.of());
    } catch (RuntimeException e) {
      return "database: " + e.getMessage();
    }
    try {
      store.stat(PROBE_KEY);
    } catch (RuntimeException e) {
      return "store: " + e.getMessage();
    }
    return null;
  }

  private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    refresher.shutdownNow();
    server.stop(0);
  }
}
