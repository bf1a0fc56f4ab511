package dev.ingest.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ingest.core.PermanentFailure;
import dev.ingest.core.RetryableFailure;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Client of an OpenAI-compatible {@code POST /v1/embeddings} endpoint. Sends inputs in batches; answers 429
 * and 5xx, timeouts and dropped connections are retried with backoff, waiting what {@code Retry-After} asks
 * (capped); any other 4xx is a permanent failure. The API key goes in the Authorization header only.
 */
public final class EmbeddingClient {
  private static final MediaType JSON_TYPE = MediaType.get("application/json");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Sleeps between attempts; the worker's version throws when the job must stop. */
  public interface Pause {
    void sleep(Duration d) throws InterruptedException;
  }

  private final OkHttpClient http;
  private final String endpoint;
  private final EmbeddingOptions options;

  public EmbeddingClient(EmbeddingOptions options) {
    this.options = options;
    this.endpoint = endpoint(options.url());
    this.http =
        new OkHttpClient.Builder()
            .callTimeout(options.timeout())
            .readTimeout(options.timeout())
            .connectTimeout(Duration.ofSeconds(10))
            .retryOnConnectionFailure(false)
            .build();
  }

  /** {@code URL/v1/embeddings}, or {@code URL/embeddings} when the URL already ends in {@code /v1}. */
  static String endpoint(String url) {
    String base = url.replaceAll("/+$", "");
    return base.endsWith("/v1") ? base + "/embeddings" : base + "/v1/embeddings";
  }

  /** One vector per input, in order; {@code onBatch} hears how many inputs are done. */
  public List<float[]> embed(List<String> inputs, Pause pause, java.util.function.IntConsumer onBatch)
      throws InterruptedException {
    List<float[]> out = new ArrayList<>(inputs.size());
    for (int from = 0; from < inputs.size(); from += options.batchSize()) {
      List<String> batch = inputs.subList(from, Math.min(inputs.size(), from + options.batchSize()));
      out.addAll(embedBatch(batch, pause));
      onBatch.accept(out.size());
    }
    return out;
  }

  private List<float[]> embedBatch(List<String> batch, Pause pause) throws InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", options.model());
    ArrayNode input = body.putArray("input");
    batch.forEach(input::add);
    Request.Builder request = new Request.Builder().url(endpoint).post(RequestBody.create(body.toString(), JSON_TYPE));
    if (options.apiKey() != null) {
      request.header("Authorization", "Bearer " + options.apiKey());
    }
    String lastProblem = null;
    for (int attempt = 1; attempt <= options.maxAttempts(); attempt++) {
      Duration wait = backoff(attempt);
      try (Response response = http.newCall(request.build()).execute()) {
        String text = response.body() == null ? "" : response.body().string();
        if (response.isSuccessful()) {
          return vectors(text, batch.size());
        }
        int code = response.code();
        if (code != 429 && code < 500) {
          throw new PermanentFailure(
              "embedding_rejected", "embedding endpoint answered " + code + ": " + errorMessage(text) + hint(code));
        }
        lastProblem = "answered " + code;
        wait = RetryAfter.parse(response.header("Retry-After"), Instant.now()).map(this::capped).orElse(wait);
      } catch (InterruptedIOException e) {
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedException("interrupted while embedding");
        }
        lastProblem = "timed out after " + options.timeout().toMillis() + " ms";
      } catch (IOException e) {
        lastProblem = "failed: " + e.getMessage();
      }
      if (attempt < options.maxAttempts()) {
        pause.sleep(wait);
      }
    }
    throw new RetryableFailure("embedding_unavailable", "embedding endpoint " + lastProblem + " (" + options.maxAttempts() + " attempts)");
  }

  private Duration backoff(int attempt) {
    long base = Math.min(options.maxWait().toMillis(), 250L << Math.min(attempt - 1, 10));
    return Duration.ofMillis(base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1));
  }

  private Duration capped(Duration d) {
    return d.compareTo(options.maxWait()) > 0 ? options.maxWait() : d;
  }

  private static String hint(int code) {
    return code == 401 || code == 403 ? " (check INGEST_EMBED_API_KEY)" : "";
  }

  private static List<float[]> vectors(String text, int expected) {
    JsonNode data;
    try {
      data = JSON.readTree(text).path("data");
    } catch (IOException e) {
      throw new RetryableFailure("embedding_unavailable", "embedding endpoint answered with invalid JSON: " + e.getMessage());
    }
    if (!data.isArray() || data.size() != expected) {
      throw new RetryableFailure("embedding_unavailable", "embedding endpoint answered " + data.size() + " vectors for " + expected + " inputs");
    }
    float[][] out = new float[expected][];
    for (int i = 0; i < data.size(); i++) {
      JsonNode item = data.get(i);
      int index = item.has("index") ? item.get("index").asInt() : i;
      JsonNode values = item.path("embedding");
      if (index < 0 || index >= expected || !values.isArray()) {
        throw new RetryableFailure("embedding_unavailable", "embedding endpoint answered a malformed item at " + i);
      }
      float[] v = new float[values.size()];
      for (int j = 0; j < v.length; j++) {
        v[j] = (float) values.get(j).asDouble();
      }
      out[index] = v;
    }
    return List.of(out);
  }

  private static String errorMessage(String body) {
    try {
      JsonNode error = JSON.readTree(body).path("error");
      String m = error.isObject() ? error.path("message").asText() : error.asText();
      if (!m.isBlank()) {
        return m;
      }
    } catch (IOException notJson) {
      // fall through to the raw body
    }
    String b = body.strip().replaceAll("\\s+", " ");
    return b.isEmpty() ? "(empty body)" : b.substring(0, Math.min(200, b.length()));
  }
}
