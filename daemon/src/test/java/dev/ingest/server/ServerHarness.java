package dev.ingest.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ingest.auth.Scope;
import dev.ingest.config.IngestConfig;
import dev.ingest.config.IngestRuntime;
import dev.ingest.extract.TikaContentTypeDetector;
import dev.ingest.json.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * A real {@link IngestServer} on a real database and store (SQLite and a folder unless told otherwise), on a
 * port of its own choosing, with an HTTP client and keys of two tenants.
 */
public final class ServerHarness implements AutoCloseable {
  public final IngestRuntime runtime;
  public final IngestServer server;
  public final OkHttpClient http =
      new OkHttpClient.Builder().readTimeout(30, TimeUnit.SECONDS).retryOnConnectionFailure(false).build();
  private final Map<String, String> settings;
  private final ServerOptions options;

  public ServerHarness(Path dir) throws Exception {
    this(dir, Map.of(), o -> o);
  }

  public ServerHarness(Path dir, Map<String, String> extra, UnaryOperator<ServerOptions> tune) throws Exception {
    settings = new LinkedHashMap<>();
    settings.put(IngestConfig.DB, "sqlite:" + dir.resolve("ingest.db"));
    settings.put(IngestConfig.STORE, "file:" + dir.resolve("blobs"));
    settings.putAll(extra);
    options = tune.apply(ServerOptions.defaults("127.0.0.1:0"));
    runtime = IngestRuntime.open(IngestConfig.of(settings), 8);
    server = IngestServer.start(runtime, options, new TikaContentTypeDetector());
  }

  /** A second server process's view: a new runtime and server on the same database and store. */
  public ServerHarness another() throws Exception {
    return new ServerHarness(Path.of("."), settings, o -> options);
  }

  public String url(String path) {
    return server.url() + path;
  }

  /** A new key's token. */
  public String key(String tenant, Scope... scopes) {
    Set<Scope> set = scopes.length == 0 ? Scope.DEFAULT : EnumSet.of(scopes[0], scopes);
    return runtime.keys().create(tenant, set, "test").token();
  }

  public Request.Builder request(String path, String token) {
    Request.Builder b = new Request.Builder().url(url(path));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  public Response get(String path, String token) throws IOException {
    return http.newCall(request(path, token).get().build()).execute();
  }

  public Response post(String path, String token, String json) throws IOException {
    return http.newCall(request(path, token).post(RequestBody.create(json, MediaType.get("application/json"))).build()).execute();
  }

  /** The status and the JSON body of an answer, closing it. */
  public record Answer(int status, JsonNode body, okhttp3.Headers headers) {
    public String errorType() {
      return body.path("error").path("type").asText();
    }
  }

  public static Answer read(Response response) throws IOException {
    try (response) {
      String text = response.body() == null ? "" : response.body().string();
      JsonNode body = text.isBlank() ? Json.object() : Json.MAPPER.readTree(text);
      return new Answer(response.code(), body, response.headers());
    }
  }

  public Answer call(Request request) throws IOException {
    return read(http.newCall(request).execute());
  }

  public static Duration tick() {
    return Duration.ofMillis(50);
  }

  @Override
  public void close() {
    // why: idle keep-alive connections would hold the graceful stop for the shutdown idle timeout.
    http.connectionPool().evictAll();
    http.dispatcher().executorService().shutdown();
    server.close();
    runtime.close();
  }
}
