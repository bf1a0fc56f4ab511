package dev.ingest.config;

import dev.ingest.blob.BlobStore;
import dev.ingest.core.Ids;
import dev.ingest.queue.sql.Database;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Checks that a configuration works: the database (reachable, schema version), the store (write, read and
 * delete a probe), and the embedding endpoint and webhooks when configured. Each check runs on its own, so
 * one broken part does not hide another.
 */
public final class Doctor {
  /** One check's outcome; {@code detail} never holds a secret. */
  public record Check(String name, boolean ok, String detail) {}

  private final IngestConfig config;

  public Doctor(IngestConfig config) {
    this.config = config;
  }

  public List<Check> run() {
    List<Check> checks = new ArrayList<>();
    checks.add(config.configFile().map(f -> new Check("config", true, f.toString())).orElse(new Check("config", true, "no file; defaults")));
    checks.add(database());
    checks.add(store());
    config.get("embed.url").ifPresent(url -> checks.add(http("embeddings", url.replaceAll("/+$", "") + "/v1/models")));
    config.get("webhook.urls").ifPresent(urls -> Arrays.stream(urls.split(",")).map(String::trim).filter(u -> !u.isEmpty())
        .forEach(u -> checks.add(http("webhook", u))));
    return checks;
  }

  private Check database() {
    String url = config.get(IngestConfig.DB).orElseThrow();
    try (Database db = Database.open(url, 1)) {
      return new Check("database", true, db.description() + " (schema version " + db.schemaVersion() + ")");
    } catch (RuntimeException e) {
      return new Check("database", false, Secrets.maskUrl(e.getMessage()));
    }
  }

  private Check store() {
    String key = "health/doctor-" + Ids.generate("", System.currentTimeMillis()).substring(10);
    byte[] probe = ("ingest doctor " + key).getBytes(StandardCharsets.UTF_8);
    try (BlobStore store = IngestRuntime.openStore(config)) {
      store.put(key, probe, probe.length);
      try (InputStream in = store.get(key)) {
        if (!Arrays.equals(probe, in.readAllBytes())) {
          return new Check("store", false, store.describe() + ": the probe read back differs");
        }
      }
      store.delete(key);
      return new Check("store", true, store.describe() + " (write, read, delete)");
    } catch (Exception e) {
      return new Check("store", false, Secrets.maskUrl(String.valueOf(e.getMessage())));
    }
  }

  private static Check http(String name, String url) {
    try {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      HttpResponse<Void> r =
          client.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
              HttpResponse.BodyHandlers.discarding());
      // why: any answer below 500 shows the peer is there; auth and method are the pipeline's business.
      boolean ok = r.statusCode() < 500;
      return new Check(name, ok, Secrets.maskUrl(url) + " answered " + r.statusCode());
    } catch (Exception e) {
      return new Check(name, false, Secrets.maskUrl(url) + ": " + e.getClass().getSimpleName() + " " + String.valueOf(e.getMessage()));
    } 
  }
}
