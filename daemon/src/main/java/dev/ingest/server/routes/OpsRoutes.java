package dev.ingest.server.routes;

import dev.ingest.blob.BlobStore;
import dev.ingest.metrics.MetricsServer;
import dev.ingest.queue.JobQueue;
import dev.ingest.server.Exchange;
import dev.ingest.server.Router;
import dev.ingest.server.Router.Access;
import dev.ingest.server.ServerMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/** {@code /healthz}, {@code /metrics} and {@code /v1/openapi.json}: open to anyone, for probes and tools. */
public final class OpsRoutes {
  public static final String OPENAPI_RESOURCE = "/dev/ingest/server/openapi.json";

  private final JobQueue queue;
  private final Supplier<BlobStore> store;
  private final ServerMetrics metrics;
  private final byte[] openapi;

  public OpsRoutes(JobQueue queue, Supplier<BlobStore> store, ServerMetrics metrics) {
    this.queue = queue;
    this.store = store;
    this.metrics = metrics;
    this.openapi = resource(OPENAPI_RESOURCE);
  }

  public void register(Router router) {
    router.add("GET", "/healthz", Access.PUBLIC, this::health);
    router.add("GET", "/metrics", Access.PUBLIC, ex -> ex.send(200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape().getBytes(StandardCharsets.UTF_8)));
    router.add("GET", "/v1/openapi.json", Access.PUBLIC, ex -> ex.send(200, "application/json", openapi));
  }

  private void health(Exchange ex) {
    String problem = MetricsServer.problem(queue, store.get());
    // why: the detail (hosts, buckets) is for the operator's log, not for whoever probes.
    if (problem != null) {
      org.slf4j.LoggerFactory.getLogger(OpsRoutes.class).warn("health check failed: {}", problem);
    }
    ex.send(problem == null ? 200 : 503, "text/plain; charset=utf-8",
        (problem == null ? "ok\n" : problem.substring(0, problem.indexOf(':')) + " unavailable\n").getBytes(StandardCharsets.UTF_8));
  }

  static byte[] resource(String name) {
    try (InputStream in = OpsRoutes.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + name, e);
    }
  }
}
